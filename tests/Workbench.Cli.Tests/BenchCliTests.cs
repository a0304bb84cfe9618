using System.Text.Json;
using System.Text.RegularExpressions;
using Cmd.Data;

namespace Workbench.Cli.Tests;

/// <summary>`workbench bench dit`: its errors, and one tiny run of both sides (a plumbing check: no timing is asserted).</summary>
public class BenchCliTests
{
    [Fact]
    public void UnknownModelIsAOneLineErrorListingTheKnown()
    {
        var r = CliRunner.Run("bench", "dit", "--model", "DiT-Q/2");
        Assert.NotEqual(0, r.ExitCode);
        var line = Assert.Single(r.StdErr.Trim().Split('\n'));
        Assert.StartsWith("error: unknown DiT config 'DiT-Q/2' (known: DiT-XL/2,", line);
        Assert.Contains("DiT-S/8", line);
    }

    /// <summary>One timed step of DiT-S/8 at batch 1 here and in bench/dit_step.py: both sides build the model with the
    /// official parameter count (facebookresearch/DiT's, tests/fixtures/dit/param_counts.json) and a ratio is printed.</summary>
    [Fact]
    public void OneStepRunsHereAndInPyTorchWithTheOfficialParameterCount()
    {
        var script = Path.Combine(RepoData.Root, "bench", "dit_step.py");
        var r = CliRunner.Run("bench", "dit", "--model", "DiT-S/8", "--batch", "1", "--steps", "1", "--script", script);
        Assert.True(r.ExitCode == 0, r.StdOut + r.StdErr);
        var counts = JsonDocument.Parse(File.ReadAllText(Cmd.Tests.Fixtures.Path("dit/param_counts.json"))).RootElement;
        long official = counts.GetProperty("DiT-S/8").GetInt64();
        Assert.Equal(2, Regex.Matches(r.StdOut, $@" {official:N0} params  median \d+\.\d{{3}} s/step").Count);
        Assert.DoesNotContain("parameter counts differ", r.StdOut);
        Assert.Matches(@"ratio workbench / PyTorch = \d+\.\d\d", r.StdOut);
    }
}
