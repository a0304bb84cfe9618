using Cmd.IO;
using Cmd.Reports;
using Cmd.Tests;
using static TorchSharp.torch;

namespace Workbench.Cli.Tests;

/// <summary>`workbench eval samples` as a user runs it on a samples file.</summary>
public class EvalCliTests
{
    [Fact]
    public void SamplesPrintsAccuracyFvdFloorAndRatio()
    {
        var dir = Fixtures.TempDir("cli-eval");
        manual_seed(0);
        using var videos = rand(new long[] { 8, 16, 1, 64, 64 }) * 2 - 1;
        using var content = zeros(8, 1, 64, 64);
        var file = SampleWriter.Write(dir, content, videos, Enumerable.Range(0, 8).Select(i => (long)i).ToList()).Tensors;
        var r = CliRunner.Run("eval", "samples", "--samples", file);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var printed = System.Text.RegularExpressions.Regex.Match(r.StdOut.Trim(),
            @"^8 samples: class accuracy (\d+\.\d) % .*FVD-local (\d+\.\d), real vs real (\d+\.\d) at 8 clips, ratio \d+\.\d\d");
        Assert.True(printed.Success, r.StdOut);
        // the numbers are the library's score of that file with the shipped detector (SampleScoreTests checks the score)
        using (var detector = Cmd.Metrics.Fvd.LocalFvdDetector.Load(Cmd.Evaluation.FvdEvaluation.LocalDetectorPath()))
        {
            var score = Cmd.Evaluation.SampleScore.Score(detector, file);
            double Number(int group) => double.Parse(printed.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Math.Round(100 * score.ClassAccuracy, 1), Number(1));
            Assert.True(Math.Abs(score.Fvd.Value - Number(2)) <= 0.05 + 1e-5 * score.Fvd.Value, $"FVD {score.Fvd.Value} vs {r.StdOut}");
            Assert.True(Math.Abs(score.Floor.Value - Number(3)) <= 0.05 + 1e-5 * score.Floor.Value, $"floor {score.Floor.Value} vs {r.StdOut}");
        }

        // several sets: each scored on a line of its own, then their mean and spread; sets of other sizes refused
        using var other = rand(new long[] { 8, 16, 1, 64, 64 }) * 2 - 1;
        var labels = Enumerable.Range(0, 8).Select(i => (long)i).ToList();
        var second = SampleWriter.Write(Path.Combine(dir, "b"), content, other, labels).Tensors;
        var two = CliRunner.Run("eval", "samples", "--samples", file, second);
        Assert.True(two.ExitCode == 0, two.StdErr);
        var lines = two.StdOut.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{file}: {r.StdOut.Trim()}", lines[0]);
        Assert.StartsWith($"{second}: 8 samples: class accuracy", lines[1]);
        Assert.Matches(@"^2 sets of 8 samples: class accuracy \d+\.\d % \(sd \d+\.\d points\); " +
                       @"FVD-local over the floor \d+\.\d\d \(sd \d+\.\d\d; \d+\.\d\d to \d+\.\d\d\)$", lines[2]);
        using var fewer = videos.narrow(0, 0, 4);
        var small = SampleWriter.Write(Path.Combine(dir, "c"), content.narrow(0, 0, 4), fewer, [0, 1, 2, 3]).Tensors;
        var mixed = CliRunner.Run("eval", "samples", "--samples", file, small);
        Assert.Equal(1, mixed.ExitCode);
        Assert.Contains("sample sets of 8, 4 videos", mixed.StdErr);

        // against other draws of held-out clips: a line each, then their summary; no draw at all refused
        var draws = CliRunner.Run("eval", "samples", "--samples", file, "--reference-draws", "2");
        Assert.True(draws.ExitCode == 0, draws.StdErr);
        var drawLines = draws.StdOut.Trim().Split('\n');
        Assert.Equal(3, drawLines.Length);
        Assert.Equal(r.StdOut.Trim(), drawLines[0]);
        Assert.Matches(@"^  reference draw 1: FVD-local \d+\.\d, real vs real \d+\.\d at 8 clips, ratio \d+\.\d\d$",
            drawLines[1]);
        Assert.Matches(@"^  the samples over 2 reference draws of 8 held-out clips: " +
                       @"FVD-local \d+\.\d \(sd \d+\.\d\), real vs real \d+\.\d \(sd \d+\.\d\), " +
                       @"FVD-local over the mean floor \d+\.\d\dx; per draw",
            drawLines[2]);
        var none = CliRunner.Run("eval", "samples", "--samples", file, "--reference-draws", "0");
        Assert.NotEqual(0, none.ExitCode);
        Assert.Contains("--reference-draws must be 1 or more (got 0)", none.StdErr);

        var unlabelled = Path.Combine(dir, "unlabelled.safetensors");
        SafeTensors.Save(unlabelled, new Dictionary<string, Tensor> { ["videos"] = videos });
        var bad = CliRunner.Run("eval", "samples", "--samples", unlabelled);
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith($"error: {unlabelled}: no tensor 'label'", bad.StdErr.Trim());
        var missing = CliRunner.Run("eval", "samples", "--samples", Path.Combine(dir, "nope.safetensors"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("not found", missing.StdErr);
    }

    [Fact]
    public void MotionAtSeveralSeedsPrintsEachTheirMeanAndTheTrajectoriesOfKeypointZ()
    {
        var shipped = new Cmd.Pipeline.ShippedWeights(Path.Combine(Cmd.Data.RepoData.DataDirectory, "weights", "small"));
        var r = CliRunner.Run("eval", "motion", "--ae", shipped.Autoencoder, "--motion", shipped.Motion, "--clips", "4",
            "--steps", "2", "--seeds", "0", "1");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Matches(@"motion prediction at sampler seeds 0, 1: \d+\.\d\dx, \d+\.\d\dx; mean \d+\.\d\dx", r.StdOut);
        var table = r.StdOut.Split('\n').SkipWhile(l => !l.StartsWith("trajectories (keypoint z)")).ToList();
        Assert.Contains("seed 1", table[0]);
        Assert.Contains(table, l => l.StartsWith("place in x̄ vs the real z's, px"));

        // at two reference draws: the second draw's rows, then each row over the draws
        var draws = CliRunner.Run("eval", "motion", "--ae", shipped.Autoencoder, "--motion", shipped.Motion, "--clips",
            "4", "--steps", "2", "--seeds", "0", "1", "--reference-draws", "2");
        Assert.True(draws.ExitCode == 0, draws.StdErr);
        var usual = r.StdOut.Split('\n').First(l => l.StartsWith("4 held-out clips: "));
        Assert.Contains(usual, draws.StdOut);                                  // draw 0: the plain run's rows
        Assert.Matches(@"reference draw 1: 4 held-out clips: FVD-local reconstruction", draws.StdOut);
        Assert.Matches(@"reference draw 1: motion prediction at sampler seeds 0, 1: ", draws.StdOut);
        string[] rows = ["reconstruction", "motion prediction from real content frames", "another clip's real z"];
        foreach (var row in rows)
            Assert.Matches($@"(?m)^{row} over 2 reference draws of 4 held-out clips: FVD-local [0-9.]+ " +
                           @"\(sd [0-9.]+\), real vs real [0-9.]+ \(sd [0-9.]+\), " +
                           @"FVD-local over the mean floor [0-9.]+x",
                draws.StdOut);
    }

    [Fact]
    public void MotionWithAHighNoiseExpertOrPlacesReadOffXBarNamesThemAndRefusesBadSwitches()
    {
        var shipped = new Cmd.Pipeline.ShippedWeights(Path.Combine(Cmd.Data.RepoData.DataDirectory, "weights", "small"));
        string[] given = ["eval", "motion", "--ae", shipped.Autoencoder, "--motion", shipped.Motion, "--clips", "4",
            "--steps", "2"];
        var r = CliRunner.Run([.. given, "--high-noise", shipped.Motion, "--above-t", "500"]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains($"motion DiT at t > 500: {shipped.Motion}", r.StdOut);
        Assert.Matches(@"motion prediction from real content frames [0-9.]+ \([0-9.]+x\)", r.StdOut);
        var half = CliRunner.Run([.. given, "--above-t", "500"]);
        Assert.Equal((1, "error: --high-noise and --above-t go together"), (half.ExitCode, half.StdErr.Trim()));
        var outside = CliRunner.Run([.. given, "--high-noise", shipped.Motion, "--above-t", "1000"]);
        Assert.Equal(1, outside.ExitCode);
        Assert.Contains("--above-t must be 0-999", outside.StdErr);
        // the magnitude switches: a clear error for a wrong source, and for a motion DiT without the condition
        var sideways = CliRunner.Run([.. given, "--magnitudes", "sideways"]);
        Assert.Equal((1, "error: --magnitudes must be other, own or prior (got 'sideways')"),
            (sideways.ExitCode, sideways.StdErr.Trim()));
        var places = CliRunner.Run([.. given, "--places", "denoised"]);            // read off x̄, in every step's x_0
        Assert.True(places.ExitCode == 0, places.StdErr);
        Assert.Contains("places: read off x̄ by the autoencoder (Denoised)", places.StdOut);
        var own = CliRunner.Run([.. given, "--places", "final", "--own-places"]);   // the clips' own places
        Assert.True(own.ExitCode == 0, own.StdErr);
        Assert.Contains("places: the clips' own real z (an oracle) (Final)", own.StdOut);
        var gained = CliRunner.Run([.. given, "--shift-gain", "1.5"]);                // drawn speeds x 1.5, a probe
        Assert.True(gained.ExitCode == 0, gained.StdErr);
        Assert.Contains("shifts: as drawn x 1.5 (a probe)", gained.StdOut);
        var asDrawn = CliRunner.Run(given);
        static double Speed(string output) => double.Parse(System.Text.RegularExpressions.Regex.Match(output,
            @"speed, px a frame\s+\S+\s+\S+\s+(\S+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1.5, Speed(gained.StdOut) / Speed(asDrawn.StdOut), 1);     // the same draw, its speed x 1.5
        var smoothed = CliRunner.Run([.. given, "--smooth-shifts", "2"]);             // wobble averaged out, a probe
        Assert.True(smoothed.ExitCode == 0, smoothed.StdErr);
        Assert.Contains("shifts: smoothed over 2 frames (a probe)", smoothed.StdOut);
        static double Turn(string output) => double.Parse(System.Text.RegularExpressions.Regex.Match(output,
            @"turn \(2nd difference\), px\s+\S+\s+\S+\s+(\S+)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Turn(smoothed.StdOut) < 0.8 * Turn(asDrawn.StdOut), smoothed.StdOut);
        var rough = CliRunner.Run([.. given, "--smooth-shifts", "-1"]);
        Assert.Equal(1, rough.ExitCode);
        Assert.Contains("--smooth-shifts -1: needs --motion, keypoint z and frames > 0", rough.StdErr);
        var stopped = CliRunner.Run([.. given, "--shift-gain", "0"]);
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("--shift-gain 0: needs --motion, keypoint z and a gain > 0", stopped.StdErr);
        var ownAlone = CliRunner.Run([.. given, "--own-places"]);
        Assert.Equal(1, ownAlone.ExitCode);
        Assert.Contains("--own-places needs --places final|denoised or a motion DiT trained with --given-places",
            ownAlone.StdErr);
        var nowhere = CliRunner.Run([.. given, "--places", "nowhere"]);
        Assert.NotEqual(0, nowhere.ExitCode);
        Assert.Contains("--places must be drawn, final or denoised (got 'nowhere')", nowhere.StdErr);
        var noMotion = CliRunner.Run("eval", "motion", "--ae", shipped.Autoencoder, "--clips", "4", "--places", "final");
        Assert.Equal((1, "error: --places needs --motion"), (noMotion.ExitCode, noMotion.StdErr.Trim()));
        var paper = CliRunner.Run([.. given, "--magnitudes", "own"]);
        Assert.Equal(1, paper.ExitCode);
        Assert.Contains($"need a motion DiT trained with --magnitude ({shipped.Motion} is not)", paper.StdErr);
    }

    [Fact]
    public void ContentCurveWritesItsFilesReplotsThemAndNamesWhatIsMissing()
    {
        var dir = Fixtures.TempDir("cli-content-curve");
        var shipped = new Cmd.Pipeline.ShippedWeights(Path.Combine(Cmd.Data.RepoData.DataDirectory, "weights", "small"));
        var pairs = Path.Combine(dir, "heldout.safetensors");
        var encode = CliRunner.Run("ae", "encode", "--checkpoint", shipped.Autoencoder, "--split", "test", "--clips",
            "4", "--out", pairs);
        Assert.True(encode.ExitCode == 0, encode.StdErr);
        var snapshot = Path.Combine(dir, "c-ema-100.safetensors");
        File.Copy(shipped.Content, snapshot);
        var output = Path.Combine(dir, "curve");
        var r = CliRunner.Run("eval", "content-curve", "--snapshots", snapshot, "--pairs", pairs, "--per-class", "1",
            "--steps", "2", "--videos", "--motion-steps", "2", "--out", output);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Matches(@"step 100 \(1/1, ETA [0-9:]+\): 10 generated content frames: class accuracy", r.StdOut);
        Assert.Matches(@"; full videos: 10 samples: class accuracy [0-9.]+ %.*ratio [0-9.]+", r.StdOut);
        Assert.Contains("| 100 | ", r.StdOut);
        Assert.Contains("videos' ratio |", r.StdOut);
        foreach (var name in new[] { "content-curve.csv", "content-curve.md", "content-curve.html", "content-100.png" })
            Assert.True(File.Exists(Path.Combine(output, name)), name);
        var md = File.ReadAllText(Path.Combine(output, "content-curve.md"));
        File.Delete(Path.Combine(output, "content-curve.md"));
        var replot = CliRunner.Run("eval", "content-curve", "--replot", "--out", output);
        Assert.True(replot.ExitCode == 0, replot.StdErr);
        Assert.Equal(md, File.ReadAllText(Path.Combine(output, "content-curve.md")));

        var noVideos = CliRunner.Run("eval", "content-curve", "--snapshots", snapshot, "--pairs", pairs,
            "--motion", shipped.Motion, "--out", output);
        Assert.Equal((1, "error: --ae, --motion, --motion-steps and --anchor are for the videos: add --videos"),
            (noVideos.ExitCode, noVideos.StdErr.Trim()));
        var noPairs = CliRunner.Run("eval", "content-curve", "--snapshots", snapshot, "--out", output);
        Assert.Equal((1, "error: --pairs: give held-out latent pairs (`ae encode --split test`)"),
            (noPairs.ExitCode, noPairs.StdErr.Trim()));
        var unnamed = Path.Combine(dir, "ema.safetensors");
        var noStep = CliRunner.Run("eval", "content-curve", "--snapshots", unnamed, "--pairs", pairs, "--out", output);
        Assert.Equal(1, noStep.ExitCode);
        Assert.StartsWith($"error: {unnamed}: no training step in the file name", noStep.StdErr.Trim());
    }

    [Fact]
    public void SampleAnchorsTheShippedMotionAsItsSamplingFileSaysUnlessToldNot()
    {
        var dir = Fixtures.TempDir("cli-anchor");
        string[] small = ["--class", "0", "--count", "1", "--content-steps", "2", "--motion-steps", "2"];
        var shipped = CliRunner.Run(["sample", .. small, "--out", Path.Combine(dir, "default")]);
        Assert.True(shipped.ExitCode == 0, shipped.StdErr);
        bool anchored = Cmd.Pipeline.ShippedWeights.Small.Anchor != Cmd.Pipeline.MotionAnchor.Off;
        Assert.Equal(anchored, shipped.StdErr.Contains("anchored at x̄'s frame"));
        var w = Cmd.Pipeline.ShippedWeights.Small;                         // content sampler and guidance from sampling.json
        Assert.Contains($"content frames ({w.ContentSampler.ToString().ToUpperInvariant()} 2, CFG {w.CfgScale}", shipped.StdErr);
        Assert.Equal(w.CfgInterval != Cmd.Pipeline.GuidanceInterval.Always, shipped.StdErr.Contains($"at {w.CfgInterval})"));
        var off = CliRunner.Run(["sample", .. small, "--anchor", "false", "--out", Path.Combine(dir, "off")]);
        Assert.True(off.ExitCode == 0, off.StdErr);
        Assert.DoesNotContain("anchored", off.StdErr);
        var denoised = CliRunner.Run(["sample", .. small, "--anchor", "denoised", "--out", Path.Combine(dir, "x0")]);
        Assert.True(denoised.ExitCode == 0, denoised.StdErr);
        Assert.Contains("anchored at x̄'s frame at every step's x_0", denoised.StdErr);
        var bad = CliRunner.Run(["sample", .. small, "--anchor", "sideways", "--out", Path.Combine(dir, "bad")]);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("--anchor must be off, final or denoised (got 'sideways')", bad.StdErr);
    }
}
