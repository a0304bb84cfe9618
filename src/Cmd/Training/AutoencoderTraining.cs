using Cmd.IO;
using Cmd.Training;
using TorchSharp;
using static TorchSharp.torch;
using Cmd.Models.Autoencoder;

namespace Cmd.Training;

/// <summary>Trains and loads CMD autoencoders with the shared <see cref="Trainer"/>.</summary>
public static class AutoencoderTraining
{
    /// <summary>Checkpoint metadata "model_kind" of an autoencoder checkpoint; "model_config" holds the config JSON.</summary>
    public const string ModelKind = "cmd-autoencoder";

    /// <summary>Training options from the config's optimizer defaults (paper: Adam 1e-5, (0.5, 0.9), no decay; official code: AdamW).</summary>
    public static TrainingOptions Options(AutoencoderConfig c) => new()
    {
        LearningRate = c.LearningRate, Beta1 = c.Beta1, Beta2 = c.Beta2, WeightDecay = c.WeightDecay, DecoupledWeightDecay = c.DecoupledWeightDecay,
    };

    public static Dictionary<string, string> Metadata(AutoencoderConfig c) => new()
    {
        ["model_kind"] = ModelKind,
        ["model_config"] = c.ToJson(),
    };

    /// <param name="batchAt">Videos [B, L, C, H, W] in [-1, 1] of a global step (deterministic in the step for exact resume).</param>
    public static TrainingResult Train(CmdAutoencoder model, Func<long, Tensor> batchAt, TrainingOptions options,
        Action<long, double>? onStep = null, Func<long, bool>? stopAfter = null)
    {
        var device = model.parameters().First().device;
        return Trainer.Run(model, step => model.Loss(batchAt(step).to(device)), options, Metadata(model.Config), onStep, "ae", stopAfter);
    }

    /// <summary>Reads the autoencoder config stored in a checkpoint's (or weights file's) metadata.</summary>
    public static AutoencoderConfig ReadConfig(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        var meta = SafeTensorsFile.Open(path).Metadata;
        if (!meta.TryGetValue("model_kind", out var kind) || kind != ModelKind || !meta.TryGetValue("model_config", out var json))
            throw new InvalidDataException($"{path}: not a CMD autoencoder checkpoint (metadata model_kind is '{kind ?? "missing"}', expected '{ModelKind}')");
        try { return AutoencoderConfig.FromJson(json); }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: bad model_config in metadata: {e.Message}");
        }
    }

    /// <summary>
    /// Writes the weights alone ("model." keys and the checkpoint's metadata, no optimizer or RNG state): a
    /// file about a third of the checkpoint's size that <see cref="Load"/> reads like a checkpoint.
    /// </summary>
    public static void ExportWeights(string checkpointPath, string outPath)
    {
        ReadConfig(checkpointPath);
        var file = SafeTensorsFile.Open(checkpointPath);
        var all = file.ReadAll();
        try
        {
            var model = all.Where(kv => kv.Key.StartsWith(TrainingCheckpoint.ModelPrefix)).ToDictionary(kv => kv.Key, kv => kv.Value);
            SafeTensors.Save(outPath, model, file.Metadata.Where(kv => kv.Key != "training").ToDictionary(kv => kv.Key, kv => kv.Value));
        }
        finally { foreach (var t in all.Values) t.Dispose(); }
    }

    /// <summary>
    /// Fine-tuning start: copies an autoencoder checkpoint's (or exported file's) weights into <paramref name="model"/>, except the
    /// parameters whose names start with one of <paramref name="keepFresh"/> (e.g. "importance_head."), which keep their new init.
    /// Returns the names of the parameters kept fresh.
    /// </summary>
    public static IReadOnlyList<string> InitFrom(CmdAutoencoder model, string path, IReadOnlyCollection<string>? keepFresh = null)
    {
        var stored = ReadConfig(path);
        var changed = typeof(AutoencoderConfig).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => !Equals(p.GetValue(stored), p.GetValue(model.Config)))
            .Select(p => $"{p.Name} {p.GetValue(stored)} -> {p.GetValue(model.Config)}").ToList();
        if (changed.Count > 0)
            Console.Error.WriteLine($"note: fine-tuning with a config that differs from {path}'s in {string.Join(", ", changed)} (weights are loaded by name, shapes checked)");
        return TrainingCheckpoint.LoadWeights(model, path, keepFresh);
    }

    /// <summary>Builds the autoencoder a checkpoint describes and loads its weights ("model." keys) in eval mode.</summary>
    public static CmdAutoencoder Load(string path, Device? device = null)
    {
        var config = ReadConfig(path);
        var model = new CmdAutoencoder(config);
        var all = SafeTensors.Load(path);
        try { ModuleState.Load(model, TrainingCheckpoint.ModelTensors(all), path); }
        finally { foreach (var t in all.Values) t.Dispose(); }
        if (device is not null) model.to(device);
        model.eval();
        return model;
    }
}
