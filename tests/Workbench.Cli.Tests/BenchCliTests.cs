namespace Workbench.Cli.Tests;

/// <summary>`workbench bench`: only its errors here (a benchmark run is no test).</summary>
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
}
