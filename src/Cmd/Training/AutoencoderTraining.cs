using Cmd.Models.Autoencoder;
using Cmd.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>Trains and loads CMD autoencoders with the shared <see cref="Trainer"/>.</summary>
public static class AutoencoderTraining
{
    /// <summary>Training options from the config's optimizer defaults (paper: Adam 1e-5, (0.5, 0.9), no decay; official code: AdamW).</summary>
    public static TrainingOptions Options(AutoencoderConfig c) => new()
    {
        LearningRate = c.LearningRate, Beta1 = c.Beta1, Beta2 = c.Beta2, WeightDecay = c.WeightDecay, DecoupledWeightDecay = c.DecoupledWeightDecay,
    };

    public static Dictionary<string, string> Metadata(AutoencoderConfig c) => ModelMetadata.For(ModelMetadata.Autoencoder, c.ToJson());

    /// <param name="batchAt">Videos [B, L, C, H, W] in [-1, 1] of a global step (deterministic in the step for exact resume).</param>
    public static TrainingResult Train(CmdAutoencoder model, Func<long, Tensor> batchAt, TrainingOptions options,
        Action<long, double>? onStep = null, Func<long, bool>? stopAfter = null)
    {
        var device = model.parameters().First().device;
        return Trainer.Run(model, step => model.Loss(batchAt(step).to(device)), options, Metadata(model.Config), onStep, "ae", stopAfter);
    }

    /// <summary>
    /// Fine-tuning start: copies an autoencoder checkpoint's (or exported file's) weights into <paramref name="model"/>, except the
    /// parameters whose names start with one of <paramref name="keepFresh"/> (e.g. "importance_head."), which keep their new init.
    /// Returns the names of the parameters kept fresh.
    /// </summary>
    public static IReadOnlyList<string> InitFrom(CmdAutoencoder model, string path, IReadOnlyCollection<string>? keepFresh = null)
    {
        var stored = ModelMetadata.ReadAutoencoderConfig(path);
        var changed = typeof(AutoencoderConfig).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => !Equals(p.GetValue(stored), p.GetValue(model.Config)))
            .Select(p => $"{p.Name} {p.GetValue(stored)} -> {p.GetValue(model.Config)}").ToList();
        if (changed.Count > 0)
            Console.Error.WriteLine($"note: fine-tuning with a config that differs from {path}'s in {string.Join(", ", changed)} (weights are loaded by name, shapes checked)");
        return TrainingCheckpoint.LoadWeights(model, path, keepFresh);
    }

    /// <summary>
    /// The config a run continues with: resuming a folder with a checkpoint takes the checkpoint's config (and says so
    /// through <paramref name="note"/> when the options asked for another); a fresh run refuses a folder that has one.
    /// </summary>
    public static AutoencoderConfig ConfigForRun(AutoencoderConfig requested, TrainingOptions options, Action<string>? note = null)
    {
        if (!File.Exists(options.CheckpointPath)) return requested;
        if (!options.Resume)
            throw new ArgumentException($"{options.CheckpointPath} exists: pass --resume to continue it, or choose another --out");
        var stored = ModelMetadata.ReadAutoencoderConfig(options.CheckpointPath);
        if (stored != requested) note?.Invoke($"note: resuming with the checkpoint's config ({stored.Name}), not the options given");
        return stored;
    }
}
