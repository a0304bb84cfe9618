using Cmd.Tests;

namespace Workbench.Cli.Tests;

/// <summary>`workbench demo`: the README's main job, at the tiny preset (the page itself is checked by DemoReportTests).</summary>
public class DemoCliTests
{
    [Fact]
    public void TinyDemoRunsEndToEndAndPrintsItsPage()
    {
        var dir = Fixtures.TempDir("demo-cli");
        var r = CliRunner.Run("demo", "--preset", "tiny", "--no-shipped", "--out", dir, "--device", "cpu");
        Assert.True(r.ExitCode == 0, r.StdErr);
        var page = Path.Combine(dir, "index.html");
        Assert.Equal(Path.GetFullPath(page), r.StdOut.Trim().Split('\n')[^1]);
        Assert.True(File.Exists(page));
        Assert.Contains("matmul check     sum = 8355840.0 (expected 8355840.0)", r.StdOut);
        foreach (var stage in new[] { "ae", "content", "motion" })
            Assert.True(File.Exists(Path.Combine(dir, "runs", stage, "checkpoint.safetensors")), stage);
    }

    [Fact]
    public void UnknownPresetFailsBeforeAnyWork()
    {
        var r = CliRunner.Run("demo", "--preset", "nope");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal("error: unknown preset 'nope' (known: tiny, demo, small, ucf101, ucf101-pixel, webvid-sd15, webvid-sd21)", r.StdErr.Trim());
        Assert.DoesNotContain("tiny training", r.StdOut);
    }
}
