using System.Globalization;
using System.Text.RegularExpressions;
using Cmd.Metrics.Efficiency;

namespace Workbench.Cli.Tests;

/// <summary>`workbench efficiency`: the FLOPs table and its option errors.</summary>
public class EfficiencyCliTests
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        StringWriter output = new(), errors = new();
        TextWriter previousOut = Console.Out, previousErr = Console.Error;
        Console.SetOut(output);
        Console.SetError(errors);
        try { return (Workbench.Cli.WorkbenchCli.Run(args), output.ToString(), errors.ToString()); }
        finally { Console.SetOut(previousOut); Console.SetError(previousErr); }
    }

    static double Ratio(string stdout) => double.Parse(
        Regex.Match(stdout, @"FLOPs ratio cubic / CMD = ([0-9.]+)x").Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>The printed ratio is the library's at the preset and --frames given (the library's is checked against a hand
    /// count in EfficiencyReportTests); --frames 8 reaches the report (the cubic baseline's share halves, the ratio moves).</summary>
    [Fact]
    public void PrintsTheRatioOfThePresetAndFramesAndRejectsBadOptions()
    {
        var setting = EfficiencySetting.Preset("paper-webvid-512x1024");
        var (ok16, out16, _) = Run("efficiency", "--compare", "cmd,cubic", "--preset", "paper-webvid-512x1024", "--frames", "16");
        var (ok8, out8, _) = Run("efficiency", "--preset", "paper-webvid-512x1024", "--frames", "8");
        Assert.Equal(0, ok16);
        Assert.Equal(0, ok8);
        double r16 = new EfficiencyReport(setting).SamplingRatio, r8 = new EfficiencyReport(setting.WithFrames(8)).SamplingRatio;
        Assert.Equal(Math.Round(r16, 1), Ratio(out16));
        Assert.Equal(Math.Round(r8, 1), Ratio(out8));
        Assert.NotEqual(Ratio(out16), Ratio(out8));

        var (bad, _, err) = Run("efficiency", "--preset", "nope");
        Assert.Equal(1, bad);
        Assert.Contains("unknown efficiency preset 'nope' (known: paper-webvid-512x1024,", err);
        var (badFrames, _, framesErr) = Run("efficiency", "--frames", "1");
        Assert.Equal(1, badFrames);
        Assert.Contains("--frames must be >= 2 (got 1)", framesErr);
        var (badMethod, _, methodErr) = Run("efficiency", "--compare", "cmd,unet");
        Assert.Equal(1, badMethod);
        Assert.Contains("--compare: unknown method(s) unet (known: cmd, cubic)", methodErr);
    }
}
