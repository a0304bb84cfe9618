using Cmd.Tests;

namespace Workbench.Cli.Tests;

public class AeCliTests
{
    [Fact]
    public void TrainReconstructEncodeRunEndToEndOnTheTinyPreset()
    {
        var dir = Fixtures.TempDir("ae-cli");
        var run = Path.Combine(dir, "run");
        var t = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "3", "--count", "16", "--out", run, "--device", "cpu");
        Assert.True(t.ExitCode == 0, t.StdErr);
        Assert.Contains("steps 0..3", t.StdOut);
        Assert.Contains("loss", t.StdErr); // progress bar on stderr
        var ckpt = Path.Combine(run, "checkpoint.safetensors");
        var again = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "3", "--out", run);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("pass --resume", again.StdErr);
        var rec = CliRunner.Run("ae", "reconstruct", "--checkpoint", ckpt, "--clips", "2", "--shown", "1", "--out", Path.Combine(dir, "rec"));
        Assert.True(rec.ExitCode == 0, rec.StdErr);
        // the printed means are those of the per-clip metrics it wrote
        var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "rec", "summary.json"))).RootElement;
        var psnr = summary.GetProperty("mean_psnr").GetDouble();
        var ssim = summary.GetProperty("mean_ssim").GetDouble();
        Assert.Contains(FormattableString.Invariant($"PSNR {psnr:F2} dB, SSIM {ssim:F4}"), rec.StdOut);
        // --clips 2 clips were scored, and the means are those of the per-clip rows of metrics.csv
        Assert.Equal(2, summary.GetProperty("clips").GetInt32());
        var rows = File.ReadAllLines(Path.Combine(dir, "rec", "metrics.csv")).Skip(1).Where(l => !l.StartsWith("mean,")).ToList();
        Assert.Equal(2, rows.Count);
        double Column(string row, int i) => double.Parse(row.Split(',')[i], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(rows.Average(r => Column(r, 2)) - psnr) <= 1e-4, $"mean PSNR {psnr}"); // rows at F4
        Assert.True(Math.Abs(rows.Average(r => Column(r, 3)) - ssim) <= 1e-5, $"mean SSIM {ssim}"); // rows at F5
        var enc = CliRunner.Run("ae", "encode", "--checkpoint", ckpt, "--clips", "3", "--out", Path.Combine(dir, "z.safetensors"));
        Assert.True(enc.ExitCode == 0, enc.StdErr);
        Assert.Contains("z [3, 4, 8, 8]", enc.StdOut);
        var swap = CliRunner.Run("ae", "swap", "--checkpoint", ckpt, "--clips", "3");
        Assert.True(swap.ExitCode == 0, swap.StdErr);
        Assert.Contains("3 held-out clips, PSNR over all frames: reconstruction", swap.StdOut);
        var one = CliRunner.Run("ae", "swap", "--checkpoint", ckpt, "--clips", "1");
        Assert.NotEqual(0, one.ExitCode);
        Assert.Contains("the content swap needs at least 2 clips (got 1)", one.StdErr);
    }

    [Fact]
    public void TheWorkbenchDecoderLeversReachTheTrainingRun()
    {
        var dir = Fixtures.TempDir("ae-levers");
        var t = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "2", "--count", "8", "--warp", "2", "--sprites", "--multi-scale", "2", "--motion-twins",
            "--out", Path.Combine(dir, "warp"), "--device", "cpu");
        Assert.True(t.ExitCode == 0, t.StdErr);
        Assert.Contains("motion twins (batch + its twins), sprite separable warp decoder (2 components), multi-scale loss (2 blurred levels);", t.StdOut);
        var rigidAlone = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "2", "--rigid", "--out", Path.Combine(dir, "rigid"));
        Assert.Contains("a rigid warp needs warp components (--warp K)", rigidAlone.StdErr);
        var spritesAlone = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "2", "--sprites", "--out", Path.Combine(dir, "s"));
        Assert.Contains("warp sprites need warp components (--warp K)", spritesAlone.StdErr);
        var keypoints = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "2", "--count", "8", "--warp", "2", "--sprites",
            "--keypoints", "--out", Path.Combine(dir, "kp"), "--device", "cpu");
        Assert.True(keypoints.ExitCode == 0, keypoints.StdErr);
        Assert.Contains(", keypoint sprite separable warp decoder (2 components);", keypoints.StdOut);
        var tracked = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "2", "--count", "8", "--warp", "2", "--sprites",
            "--keypoints", "--track", "--out", Path.Combine(dir, "tr"), "--device", "cpu");
        Assert.True(tracked.ExitCode == 0, tracked.StdErr);
        Assert.Contains("tracked keypoint sprite separable warp decoder (2 components);", tracked.StdOut);
        var keypointsAlone = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "2", "--warp", "2", "--keypoints",
            "--out", Path.Combine(dir, "k"));
        Assert.Contains("keypoints need warp sprites (--warp K --sprites)", keypointsAlone.StdErr);
        var keys = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "2", "--count", "8", "--content-keys",
            "--out", Path.Combine(dir, "keys"), "--device", "cpu");
        Assert.True(keys.ExitCode == 0, keys.StdErr);
        Assert.Contains("loss L2, content keys;", keys.StdOut);
        var both = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "2", "--warp", "2", "--content-keys",
            "--out", Path.Combine(dir, "both"));
        Assert.NotEqual(0, both.ExitCode);
        Assert.Contains("replace the decoder that content keys extend", both.StdErr);
    }

    [Fact]
    public void TheLearningRateDecayReachesTheTrainingRun()
    {
        var dir = Fixtures.TempDir("ae-decay");
        var run = Path.Combine(dir, "run");
        var t = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "4", "--count", "8", "--lr", "1e-3", "--decay-start", "2",
            "--out", run, "--device", "cpu");
        Assert.True(t.ExitCode == 0, t.StdErr);
        // a cosine from step 2 to zero at step 4: steps 0-2 at the base rate, step 3 half way down
        var rates = File.ReadAllLines(Path.Combine(run, "loss.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal([1e-3, 1e-3, 1e-3, 5e-4], rates.Select(r => Math.Round(r, 9)));
        var late = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "4", "--decay-start", "4", "--out", Path.Combine(dir, "late"));
        Assert.NotEqual(0, late.ExitCode);
        Assert.Contains("--decay-start must be 0 (no decay) or a step before --steps 4 (got 4)", late.StdErr);
    }

    [Fact]
    public void BadOptionsAndFilesAreOneLineErrors()
    {
        var r = CliRunner.Run("ae", "info", "--preset", "huge");
        Assert.NotEqual(0, r.ExitCode);
        Assert.StartsWith("error: unknown autoencoder preset 'huge'", r.StdErr.Trim());
        var p = CliRunner.Run("ae", "info", "--preset", "tiny", "--patch", "5");
        Assert.Contains("patch size 5 must divide", p.StdErr);
        var missing = CliRunner.Run("ae", "reconstruct", "--checkpoint", "/nonexistent/ck.safetensors");
        Assert.Contains("checkpoint not found: /nonexistent/ck.safetensors", missing.StdErr);
        var ok = CliRunner.Run("ae", "info", "--preset", "ucf101");
        var count = Cmd.Tests.Models.Autoencoder.AutoencoderParameterFormula.Count(Cmd.Presets.RunPresets.Ucf101.Autoencoder);
        Assert.Contains($"{count:N0} parameters", ok.StdOut);
    }
}
