using Cmd.Data;
using Cmd.IO;
using Cmd.Tests;
using System.Globalization;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Workbench.Cli.Tests;

/// <summary>`workbench fvd local` with the shipped FVD-local detector on real Moving MNIST clips written to files.</summary>
public class FvdCliTests
{
    static double Fvd(string stdout) =>
        double.Parse(Regex.Match(stdout, @"= (-?[0-9.]+) \(detector").Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public void IdenticalSetsScoreZeroNoisyOnesDoNotAndSavedStatsGiveTheSameValue()
    {
        var dir = Fixtures.TempDir("fvd-cli");
        var data = new MovingMnist(MovingMnistConfig.Small with { Split = MnistSplit.Test }, 24, seed: 5);
        var videos = stack(Enumerable.Range(0, 24).Select(i => data.Get(i).Frames).ToArray());
        manual_seed(0);
        var noisy = (videos + 0.5 * randn_like(videos)).clamp(-1, 1);
        string a = Path.Combine(dir, "a.safetensors"), n = Path.Combine(dir, "noisy.safetensors"), stats = Path.Combine(dir, "stats.safetensors");
        SafeTensors.Save(a, new Dictionary<string, Tensor> { ["videos"] = videos });
        SafeTensors.Save(n, new Dictionary<string, Tensor> { ["videos"] = noisy });

        var same = CliRunner.Run("fvd", "local", "--real", a, "--fake", a, "--save-real-stats", stats);
        Assert.True(same.ExitCode == 0, same.StdErr);
        Assert.Contains("24 real / 24 fake videos", same.StdOut);
        var far = CliRunner.Run("fvd", "local", "--real", a, "--fake", n);
        Assert.True(far.ExitCode == 0, far.StdErr);
        var again = CliRunner.Run("fvd", "local", "--real", stats, "--fake", n);
        Assert.True(again.ExitCode == 0, again.StdErr);
        double zero = Fvd(same.StdOut), d = Fvd(far.StdOut);
        Assert.True(Math.Abs(zero) < 1e-3 * d, $"FVD(a, a) = {zero}, FVD(a, noisy a) = {d}");
        Assert.Equal(d, Fvd(again.StdOut), 3);
        // the value is the library's FVD-local with the shipped detector, the first file as real and the second as fake
        using var detector = Cmd.Metrics.Fvd.LocalFvdDetector.Load(Cmd.Evaluation.FvdEvaluation.LocalDetectorPath());
        var library = Cmd.Evaluation.FvdEvaluation.Of(detector, Cmd.Evaluation.FvdEvaluation.RealStats(detector, a, 24), noisy);
        Assert.True(Math.Abs(library.Value - d) <= 1e-3 + 1e-5 * library.Value, $"CLI {d}, library {library.Value}");
        Assert.EndsWith($"(detector {detector.DetectorName}; 24 real / 24 fake videos)", far.StdOut.Trim());
    }

    [Fact]
    public void MissingFakeFileIsAOneLineErrorNamingIt()
    {
        var r = CliRunner.Run("fvd", "local", "--fake", "/nonexistent/fake.safetensors", "--count", "4");
        Assert.NotEqual(0, r.ExitCode);
        var line = Assert.Single(r.StdErr.Trim().Split('\n'));
        Assert.Contains("/nonexistent/fake.safetensors", line);
    }
}
