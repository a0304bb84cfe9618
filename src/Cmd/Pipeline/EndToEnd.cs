using System.Diagnostics;
using Cmd.Data;
using Cmd.Models.Autoencoder;
using Cmd.Presets;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>
/// A whole CMD run on embedded Moving MNIST: autoencoder -> (content frame, z) pairs -> content DiT -> motion DiT ->
/// samples of every class, with the preset's sizes and step counts. Run folders go to outDir/runs/ (ae, pairs, content,
/// motion); the models sampled follow <see cref="EmaPolicy"/>.
/// </summary>
public static class EndToEnd
{
    public sealed record Result(RunPreset Preset, CmdAutoencoder Autoencoder, IVideoDataset Data, CmdSampler.Samples Samples,
        TrainingResult AutoencoderRun, TrainingResult ContentRun, TrainingResult MotionRun, string Runs, double Seconds) : IDisposable
    {
        public void Dispose() => Autoencoder.Dispose();
    }

    public static Result Run(RunPreset preset, string outDir, Device device, Action<string>? log = null, bool progress = true)
    {
        log ??= Console.WriteLine;
        var clock = Stopwatch.StartNew();
        var runs = Path.Combine(outDir, "runs");
        Directory.CreateDirectory(runs);
        PipelineTraining.Run Stage(string name) => new(Path.Combine(runs, name), device, Resume: false, Progress: progress, CheckpointEvery: 0);
        var data = new MovingMnist(preset.MovingMnist, preset.Clips, seed: 0);
        var aeCfg = preset.Autoencoder;

        log($"[1/5] autoencoder '{aeCfg.Name}' on {preset.Clips} Moving MNIST clips {data.Shape}: {preset.AutoencoderSteps} steps");
        var (ae, aeRun) = PipelineTraining.Autoencoder(aeCfg, data, preset.AutoencoderSteps, Stage("ae"));
        log($"      loss {aeRun.FirstLoss:F4} -> {aeRun.MeanLossLast10Percent:F4} in {aeRun.Seconds:F0} s");

        log($"[2/5] encoding {preset.Clips} clips into (content frame, z) pairs");
        using var pairs = LatentEncoder.Encode(ae, data, preset.Clips, batchSize: 32);
        pairs.Save(Path.Combine(runs, "pairs.safetensors"));

        var content = preset.ContentDiT;
        log($"[3/5] content-frame DiT ({content.NumPatches} tokens, width {content.HiddenSize}, depth {content.Depth}): {preset.ContentSteps} steps");
        var contentRun = PipelineTraining.Content(content, pairs, preset.ContentSteps, preset.DiffusionBatch, Stage("content"));
        log($"      loss {contentRun.FirstLoss:F4} -> {contentRun.MeanLossLast10Percent:F4} in {contentRun.Seconds:F0} s");

        var motion = preset.Motion;
        log($"[4/5] motion DiT ({motion.ZTokens} z tokens + {motion.ContentTokens} content tokens, width {motion.HiddenSize}): {preset.MotionSteps} steps");
        var motionRun = PipelineTraining.Motion(motion, pairs, preset.MotionSteps, preset.DiffusionBatch, Stage("motion"));
        log($"      loss {motionRun.FirstLoss:F4} -> {motionRun.MeanLossLast10Percent:F4} in {motionRun.Seconds:F0} s");

        log($"[5/5] sampling: class -> content frame (DDIM {preset.ContentSamplingSteps}, CFG {preset.CfgScale}) -> motion (DDIM {preset.MotionSamplingSteps}) -> decoder");
        var samples = SampleEveryClass(preset, ae, Path.Combine(runs, "content"), Path.Combine(runs, "motion"), device);
        return new Result(preset, ae, data, samples, aeRun, contentRun, motionRun, runs, clock.Elapsed.TotalSeconds);
    }

    /// <summary>SamplesPerClass videos of every class, in one batch, from two run folders (weights by <see cref="EmaPolicy"/>).</summary>
    public static CmdSampler.Samples SampleEveryClass(RunPreset preset, CmdAutoencoder ae, string contentRun, string motionRun, Device device, long seed = 1)
    {
        var content = ModelStore.LoadContent(contentRun, device);
        var motion = ModelStore.LoadMotion(motionRun, device);
        try
        {
            var labels = Enumerable.Range(0, content.Model.Config.NumClasses)
                .SelectMany(k => Enumerable.Repeat((long)k, preset.SamplesPerClass)).ToArray();
            manual_seed(seed);
            return CmdSampler.Sample(ae, content.Model, motion, labels, preset.ContentSamplingSteps, preset.MotionSamplingSteps,
                preset.CfgScale, batchSize: labels.Length);
        }
        finally { content.Model.Dispose(); motion.Model.Dispose(); }
    }
}
