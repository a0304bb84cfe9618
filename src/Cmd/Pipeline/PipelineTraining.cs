using Cmd.Data;
using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>
/// The training stages of a CMD run, each in its own run folder: the autoencoder on clips, then the content-frame DiT
/// (Eq. 7) and the motion DiT (Eq. 8) on its latent pairs. Each stage takes full <see cref="TrainingOptions"/> (the
/// CLI's `ae train`, `train content|motion`) or a step count and a <see cref="Run"/> with the recipes of appendix B.3
/// (the demo, notebooks and sweeps). With resume, a folder that holds a checkpoint continues it (or, at its step
/// count, just loads it); an init file starts a fresh run from other weights (fine-tuning).
/// </summary>
public static class PipelineTraining
{
    /// <summary>Where and how a stage runs.</summary>
    public sealed record Run(string Folder, Device Device, int Seed = 0, bool Resume = true, bool Progress = false, long CheckpointEvery = 500);

    /// <summary>Trains the autoencoder with its config's optimizer settings; returns it in eval mode with what the run did.</summary>
    public static (CmdAutoencoder Model, TrainingResult Result) Autoencoder(AutoencoderConfig config, IVideoDataset data, long steps, Run run) =>
        Autoencoder(config, data, With(AutoencoderTraining.Options(config) with { Steps = steps }, run), run.Device);

    /// <param name="init">Fine-tuning start: weights loaded before a fresh run (ignored when resuming).</param>
    /// <param name="keepFresh">With init: parameter-name prefixes that keep their new initialisation.</param>
    public static (CmdAutoencoder Model, TrainingResult Result) Autoencoder(AutoencoderConfig config, IVideoDataset data, TrainingOptions options,
        Device device, string? init = null, IReadOnlyCollection<string>? keepFresh = null, Action<string>? log = null)
    {
        options.Validate();
        AutoencoderData.CheckFits(data, config);
        manual_seed(options.Seed);
        var model = new CmdAutoencoder(config);
        if (init is not null && !Resuming(options))
        {
            var fresh = AutoencoderTraining.InitFrom(model, init, keepFresh);
            log?.Invoke($"initialised from {init}" + (fresh.Count > 0 ? $" except {string.Join(", ", fresh)} (fresh init)" : ""));
        }
        model.to(device);
        log?.Invoke($"autoencoder {config.Name} ({config.Variant}): {model.ParameterCount():N0} parameters, {config.TokensPerVideo} tokens/video, " +
                    $"z = {config.LatentChannels}x{config.Frames}x({config.GridHeight}+{config.GridWidth}); data {data.Name} {data.Shape} x {data.Count}; " +
                    $"batch {config.BatchSize}, lr {options.LearningRate}, betas ({options.Beta1}, {options.Beta2}), " +
                    $"{(options.DecoupledWeightDecay ? "AdamW" : "Adam")}, loss {config.Loss}" +
                    (config.ContentKeys ? ", content keys" : "") + (config.MotionTwins ? ", motion twins (batch + its twins)" : "") +
                    (config.WarpComponents > 0 ? $", {WarpKind(config)}separable warp decoder ({config.WarpComponents} components)" : "") +
                    (config.MultiScaleLevels > 0 ? $", multi-scale loss ({config.MultiScaleLevels} blurred levels)" : "") +
                    $"; device {device.type}");
        var batches = AutoencoderData.Batches(data, config.BatchSize, options.Seed, config.MotionTwins);
        var result = AutoencoderTraining.Train(model, batches, options);
        model.eval();
        return (model, result);
    }

    static string WarpKind(AutoencoderConfig c) => c.WarpTracking ? "tracked keypoint sprite " : c.WarpKeypoints ? "keypoint sprite " : c.WarpSprites ? "sprite " : c.RigidWarp ? "rigid " : "";

    /// <summary>
    /// The autoencoder in <paramref name="weights"/> when given (a checkpoint or weights file); otherwise one trained (or
    /// resumed) in the run folder on <paramref name="clips"/> Moving MNIST training clips of the config's shape.
    /// </summary>
    public static CmdAutoencoder LoadOrTrainAutoencoder(string? weights, AutoencoderConfig config, long steps, Run run,
        int clips = 20_000, Action<string>? log = null)
    {
        if (!string.IsNullOrEmpty(weights))
        {
            var loaded = ModelStore.LoadAutoencoder(weights, run.Device);
            log?.Invoke($"autoencoder '{loaded.Config.Name}' loaded from {weights}");
            return loaded;
        }
        var data = new MovingMnist(AutoencoderData.MovingMnistFor(config, MnistSplit.Train), clips, seed: run.Seed);
        var (model, r) = Autoencoder(config, data, steps, run);
        log?.Invoke($"autoencoder '{config.Name}': steps {r.StartStep}..{r.EndStep} in {r.Seconds:F0} s ({run.Folder})");
        return model;
    }

    /// <summary>Trains a content-frame DiT of <paramref name="config"/>'s size on the pairs' content frames (Adam 1e-4).</summary>
    public static TrainingResult Content(DiTConfig config, LatentPairs pairs, long steps, int batchSize, Run run) =>
        Content(config, pairs, With(DiffusionTraining.PaperOptions with { Steps = steps }, run), batchSize, run.Device);

    public static TrainingResult Content(DiTConfig config, LatentPairs pairs, TrainingOptions options, int batchSize, Device device,
        string? init = null, double emaDecay = Ema.PaperDecay, Action<string>? log = null) =>
        Train(() => new DiT(pairs.FitContent(config)), options, device, init, log,
            m => $"content DiT: {m.ParameterCount():N0} parameters, {m.Config.NumPatches} tokens, {pairs.Count} pairs, " +
                $"predicts {m.Config.Prediction}" + (m.Config.LongSkips ? ", long skips" : ""),
            m => DiffusionTraining.TrainContent(m, pairs, options, batchSize, emaDecay));

    /// <summary>Trains a motion DiT of <paramref name="config"/>'s size on the pairs' z, conditioned on their content frames.</summary>
    public static TrainingResult Motion(MotionDiTConfig config, LatentPairs pairs, long steps, int batchSize, Run run) =>
        Motion(config, pairs, With(DiffusionTraining.PaperOptions with { Steps = steps }, run), batchSize, run.Device);

    public static TrainingResult Motion(MotionDiTConfig config, LatentPairs pairs, TrainingOptions options, int batchSize, Device device,
        string? init = null, double emaDecay = Ema.PaperDecay, Action<string>? log = null) =>
        Train(() => new MotionDiT(pairs.FitMotion(config)), options, device, init, log,
            m => $"motion DiT: {m.ParameterCount():N0} parameters, {m.Config.ZTokens} z tokens + {m.Config.ContentTokens} content tokens, " +
                 $"{pairs.Count} pairs",
            m => DiffusionTraining.TrainMotion(m, pairs, options, batchSize, emaDecay));

    /// <summary>Seeds, builds, optionally initialises and moves a diffusion model, says what it is, trains it.</summary>
    static TrainingResult Train<T>(Func<T> build, TrainingOptions options, Device device, string? init, Action<string>? log,
        Func<T, string> describe, Func<T, TrainingResult> train) where T : nn.Module
    {
        manual_seed(options.Seed);
        using var model = build();
        Init(model, init, options, log);
        model.to(device);
        log?.Invoke(describe(model));
        return train(model);
    }

    /// <summary>A fresh run's starting weights (a resumed run overwrites them with its checkpoint anyway).</summary>
    static void Init(nn.Module model, string? init, TrainingOptions options, Action<string>? log)
    {
        if (init is null || Resuming(options)) return;
        TrainingCheckpoint.LoadWeights(model, init);
        log?.Invoke($"initialised from {init}");
    }

    static bool Resuming(TrainingOptions options) => options.Resume && File.Exists(options.CheckpointPath);

    static TrainingOptions With(TrainingOptions recipe, Run run) => recipe with
    {
        OutDir = run.Folder, Resume = run.Resume, Progress = run.Progress, CheckpointEvery = run.CheckpointEvery, Seed = run.Seed,
    };
}
