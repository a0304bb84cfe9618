using System.Globalization;
using Cmd.Models.Denoisers;
using Cmd.Models.Autoencoder;
using Cmd.Presets;
using Cmd.Tests;
using Cmd.Training;
using static TorchSharp.torch;

namespace Workbench.Cli.Tests;

/// <summary>`workbench params`, `train content|motion` and `sample` as a user runs them.</summary>
public class DiffusionCliTests
{
    [Fact]
    public void ParamsPrintsTheOfficialDiTXL2Count()
    {
        var r = CliRunner.Run("params", "--model", "DiT-XL/2");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("675,129,632", r.StdOut);
        var bad = CliRunner.Run("params", "--model", "DiT-XXL/2");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.StartsWith("error: unknown model 'DiT-XXL/2'", bad.StdErr.Trim());
    }

    [Fact]
    public void TrainContentAndMotionThenSampleVideos()
    {
        var dir = Fixtures.TempDir("cli-cmd");
        manual_seed(0);
        // a tiny autoencoder checkpoint (1 step) and pairs in its latent shapes
        var aeDir = Path.Combine(dir, "ae");
        using (var ae = new CmdAutoencoder(RunPresets.Tiny.Autoencoder))
            AutoencoderTraining.Train(ae, _ => randn([2, 8, 1, 32, 32]).clamp(-1, 1), AutoencoderTraining.Options(RunPresets.Tiny.Autoencoder) with { Steps = 1, OutDir = aeDir, Progress = false });
        var pairsPath = Path.Combine(dir, "pairs.safetensors");
        using (var pairs = new LatentPairs(randn(6, 1, 32, 32).clamp(-1, 1), randn(6, 4, 8, 8), tensor(new long[] { 0, 1, 2, 3, 4, 5 }), 4, 4))
            pairs.Save(pairsPath);

        var content = CliRunner.Run("train", "content", "--pairs", pairsPath, "--preset", "tiny", "--steps", "2", "--batch", "2", "--out", Path.Combine(dir, "content"));
        Assert.True(content.ExitCode == 0, content.StdErr);
        Assert.Contains("trained steps 0..2", content.StdOut);
        // the content DiT's patch size is the lever of issue 14: 32x32 frames at patch 4 are 8 x 8 = 64 tokens
        var patched = CliRunner.Run("train", "content", "--pairs", pairsPath, "--preset", "tiny", "--patch", "4", "--predict", "v",
            "--steps", "1", "--batch", "2", "--out", Path.Combine(dir, "content-p4"));
        Assert.True(patched.ExitCode == 0, patched.StdErr);
        Assert.Contains(" 64 tokens", patched.StdOut);
        Assert.Contains("predicts v", patched.StdOut);
        Assert.Contains("predicts eps", content.StdOut);
        // --resume continues the run's model: switching what it predicts is refused, the run left as it was
        var switched = CliRunner.Run("train", "content", "--pairs", pairsPath, "--preset", "tiny", "--predict", "v", "--steps", "4",
            "--batch", "2", "--resume", "--out", Path.Combine(dir, "content"));
        Assert.NotEqual(0, switched.ExitCode);
        Assert.Contains("--resume continues it", switched.StdErr);
        Assert.Contains("\"Prediction\":\"v\"", switched.StdErr);
        // a bad option is one line on stderr and a failed exit, before any training
        void Refused(string model, string expected, params string[] options)
        {
            var r = CliRunner.Run(["train", model, "--pairs", pairsPath, "--preset", "tiny", "--steps", "1", .. options,
                "--out", Path.Combine(dir, "refused-" + string.Join("", options))]);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains(expected, r.StdErr);
        }
        Refused("content", "--predict", "--predict", "u");
        Refused("content", "not a multiple of patch size 5", "--patch", "5");
        // the preset's size is a starting point: width, depth and heads from the command line, stored in the run's config;
        // --warmup ramps the learning rate linearly (step 1 of 4 at a quarter of --lr)
        var narrow = CliRunner.Run("train", "content", "--pairs", pairsPath, "--preset", "tiny", "--hidden", "32", "--depth", "1",
            "--heads", "2", "--warmup", "4", "--long-skips", "--lr", "1e-3", "--steps", "2", "--batch", "2", "--out", Path.Combine(dir, "content-narrow"));
        Assert.True(narrow.ExitCode == 0, narrow.StdErr);
        var narrowCfg = System.Text.Json.JsonSerializer.Deserialize<DiTConfig>(
            ModelMetadata.ReadConfig(Path.Combine(dir, "content-narrow", "checkpoint.safetensors"), ModelMetadata.Content))!;
        Assert.Equal((32, 1, 2, true), (narrowCfg.HiddenSize, narrowCfg.Depth, narrowCfg.NumHeads, narrowCfg.LongSkips));
        Assert.Contains("long skips", narrow.StdOut);
        var lrs = File.ReadAllLines(Path.Combine(dir, "content-narrow", "loss.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture));
        Assert.Equal([2.5e-4, 5e-4], lrs);
        Refused("content", "not divisible by 3 heads", "--hidden", "32", "--heads", "3");
        Refused("motion", "depth and heads must be >= 1", "--depth", "0");
        Refused("motion", "--input-scale must be > 0", "--input-scale", "0");
        Refused("content", "--input-perturbation must be >= 0", "--input-perturbation", "-0.5");
        Refused("motion", "--predict must be one of eps, x0, v (got 'u')", "--predict", "u");
        Refused("motion", "--frame-diff-loss must be >= 0", "--frame-diff-loss", "-1");
        Refused("motion", "--content-noise must be >= 0", "--content-noise", "-1");
        Refused("motion", "--given-places: ", "--given-places");                 // pairs of z without places
        var motion = CliRunner.Run("train", "motion", "--pairs", pairsPath, "--preset", "tiny", "--key-patch", "16",
            "--frame-diff-loss", "0.5", "--content-noise", "0.3", "--steps", "2", "--batch", "2",
            "--out", Path.Combine(dir, "motion"));
        Assert.True(motion.ExitCode == 0, motion.StdErr);
        Assert.Contains("16 z tokens + 4 content tokens", motion.StdOut);
        var motionMeta = Cmd.IO.SafeTensorsFile.Open(Path.Combine(dir, "motion", "checkpoint.safetensors")).Metadata;
        Assert.Contains("\"FrameDifferenceLoss\":0.5", motionMeta["training"]);
        Assert.Contains("\"ContentNoise\":0.3", motionMeta["training"]);
        // --magnitude: the switch in the config and its scale in the metadata; `sample` draws from its prior
        var magnitude = CliRunner.Run("train", "motion", "--pairs", pairsPath, "--preset", "tiny", "--key-patch", "16",
            "--magnitude", "--steps", "2", "--batch", "2", "--out", Path.Combine(dir, "motion-magnitude"));
        Assert.True(magnitude.ExitCode == 0, magnitude.StdErr);
        var magnitudeFile = Path.Combine(dir, "motion-magnitude", "checkpoint.safetensors");
        var magnitudeConfig = ModelMetadata.ReadConfig(magnitudeFile, ModelMetadata.Motion);
        Assert.True(MotionDiTConfig.FromJson(magnitudeConfig).MagnitudeCondition);
        Assert.True(Cmd.IO.SafeTensorsFile.Open(magnitudeFile).Metadata.ContainsKey(ModelMetadata.MagnitudeKey));

        var outDir = Path.Combine(dir, "samples");
        var sample = CliRunner.Run("sample", "--ae", Path.Combine(aeDir, "checkpoint.safetensors"), "--content", Path.Combine(dir, "content"),
            "--motion", Path.Combine(dir, "motion"), "--class", "3", "--count", "2", "--content-steps", "2", "--motion-steps", "2", "--out", outDir);
        Assert.True(sample.ExitCode == 0, sample.StdErr);
        Assert.True(File.Exists(Path.Combine(outDir, "sample_videos.png")));
        Assert.True(File.Exists(Path.Combine(outDir, "sample_content.png")));
        Assert.Equal(2, Directory.GetFiles(outDir, "*class3.gif").Length);

        Assert.True(File.Exists(Path.Combine(outDir, "samples.safetensors")));
        var withMagnitudes = CliRunner.Run("sample", "--ae", Path.Combine(aeDir, "checkpoint.safetensors"), "--content",
            Path.Combine(dir, "content"), "--motion", magnitudeFile, "--class", "3", "--count", "1",
            "--content-steps", "2", "--motion-steps", "2", "--out", Path.Combine(dir, "with-magnitudes"));
        Assert.True(withMagnitudes.ExitCode == 0, withMagnitudes.StdErr);
        Assert.True(File.Exists(Path.Combine(dir, "with-magnitudes", "samples.safetensors")));
        var ddpm = CliRunner.Run("sample", "--ae", Path.Combine(aeDir, "checkpoint.safetensors"), "--content", Path.Combine(dir, "content"),
            "--motion", Path.Combine(dir, "motion"), "--class", "3", "--count", "1", "--content-steps", "2", "--motion-steps", "2",
            "--motion-sampler", "ddpm", "--out", Path.Combine(dir, "ddpm"));
        Assert.True(ddpm.ExitCode == 0, ddpm.StdErr);
        Assert.Contains("motion latents (Ddpm 2)", ddpm.StdErr);
        var badSampler = CliRunner.Run("sample", "--motion-sampler", "euler", "--out", Path.Combine(dir, "bad"));
        Assert.NotEqual(0, badSampler.ExitCode);
        Assert.Contains("--motion-sampler must be ddim or ddpm (got 'euler')", badSampler.StdErr);
        var badFromT = CliRunner.Run("eval", "motion", "--ae", "a.safetensors", "--motion", "m.safetensors", "--from-t", "300", "1000");
        Assert.NotEqual(0, badFromT.ExitCode);
        Assert.Contains("--from-t must be 0-999", badFromT.StdErr);
        var fromTWithoutMotion = CliRunner.Run("eval", "motion", "--ae", "a.safetensors", "--from-t", "300");
        Assert.NotEqual(0, fromTWithoutMotion.ExitCode);
        Assert.Contains("--from-t needs --motion", fromTWithoutMotion.StdErr);

        // fine-tuning start from the run's weights, and the per-timestep noise error of trained and EMA weights
        var tuned = CliRunner.Run("train", "motion", "--pairs", pairsPath, "--preset", "tiny", "--key-patch", "16", "--steps", "1", "--batch", "2",
            "--init", Path.Combine(dir, "motion", "checkpoint.safetensors"), "--out", Path.Combine(dir, "motion2"));
        Assert.True(tuned.ExitCode == 0, tuned.StdErr);
        Assert.Contains("initialised from", tuned.StdOut);
        var eval = CliRunner.Run("train", "eval", "--run", Path.Combine(dir, "motion"), "--pairs", pairsPath, "--timesteps", "10", "999");
        Assert.True(eval.ExitCode == 0, eval.StdErr);
        Assert.Contains("| t | eps, trained | eps, EMA | eps, trained, other content frame | eps, EMA, other content frame | " +
                        "x_0, trained | x_0, EMA | x_0, trained, other content frame | x_0, EMA, other content frame |", eval.StdOut);
        Assert.Matches(@"\| 999 \|( \d+\.\d{4} \|){8}$", eval.StdOut.Split('\n').First(l => l.StartsWith("| 999 ")).TrimEnd());
        Assert.Matches(@"one constant x_0 for every sample \(their mean\) would score \d+\.\d{4}", eval.StdOut);
        // a content DiT is scored once more without its class (the null class of class dropout): does it use the class?
        var contentEval = CliRunner.Run("train", "eval", "--run", Path.Combine(dir, "content"), "--pairs", pairsPath, "--timesteps", "500");
        Assert.True(contentEval.ExitCode == 0, contentEval.StdErr);
        Assert.Contains("| t | eps, trained | eps, EMA | eps, trained, null class | eps, EMA, null class | x_0, trained | x_0, EMA | " +
            "x_0, trained, null class | x_0, EMA, null class |",
            contentEval.StdOut);

        var missing = CliRunner.Run("train", "motion", "--pairs", Path.Combine(dir, "nope.safetensors"), "--out", Path.Combine(dir, "x"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.StartsWith("error: latent pairs file not found", missing.StdErr.Trim());
    }
}
