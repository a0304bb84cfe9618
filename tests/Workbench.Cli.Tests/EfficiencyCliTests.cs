namespace Workbench.Cli.Tests;

/// <summary>`workbench efficiency`: the FLOPs table and its option errors.</summary>
public class EfficiencyCliTests
{
    [Fact]
    public void CliPrintsTheTableAndRejectsBadOptions()
    {
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        int ok, bad;
        try
        {
            ok = Workbench.Cli.WorkbenchCli.Run(["efficiency", "--compare", "cmd,cubic", "--preset", "paper-webvid-512x1024", "--frames", "16"]);
            bad = Workbench.Cli.WorkbenchCli.Run(["efficiency", "--preset", "nope"]);
        }
        finally { Console.SetOut(previous); }
        Assert.Equal(0, ok);
        Assert.Equal(1, bad);
        Assert.Contains("FLOPs ratio cubic / CMD", output.ToString());
    }
}
