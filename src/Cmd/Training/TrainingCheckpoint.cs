using System.Globalization;
using Cmd.IO;
using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>
/// A training checkpoint as one safetensors file, written atomically. Tensors: "model.{PyTorch key}" (the
/// model's state dict), "optimizer.{param}.exp_avg|exp_avg_sq|step" (Adam state), "rng.torch" (torch's CPU
/// generator state, uint8). Metadata: format, step, model_kind, model_config (JSON), training (JSON) and
/// whatever the caller adds.
/// </summary>
public static class TrainingCheckpoint
{
    public const string FileName = "checkpoint.safetensors";
    public const string Format = "cmd-workbench-checkpoint/1";
    public const string ModelPrefix = "model.";
    public const string OptimizerPrefix = "optimizer.";
    public const string RngKey = "rng.torch";

    public static void Save(string path, nn.Module model, AdamOptimizer? optimizer, long step, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (k, v) in model.state_dict()) tensors[ModelPrefix + k] = v;
        var owned = new List<Tensor>();
        if (optimizer is not null)
            foreach (var (k, v) in optimizer.StateTensors(OptimizerPrefix)) { tensors[k] = v; if (k.EndsWith(".step")) owned.Add(v); }
        var rng = get_rng_state();
        tensors[RngKey] = rng;
        owned.Add(rng);
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            ["format"] = Format,
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
        };
        try { SafeTensors.Save(path, tensors, meta); }
        finally { foreach (var t in owned) t.Dispose(); }
    }

    /// <summary>The step a checkpoint was written at: a whole number >= 0 in its metadata.</summary>
    public static long ReadStep(IReadOnlyDictionary<string, string> metadata, string path)
    {
        if (!metadata.TryGetValue("step", out var s)) throw new CheckpointException(path, "not a training checkpoint (no 'step' in its metadata)");
        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var step))
            throw new CheckpointException(path, $"metadata 'step' is '{Clip(s)}', not a whole number >= 0");
        return step;
    }

    static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;

    /// <summary>What <see cref="Load"/> restored.</summary>
    public sealed record Restored(long Step, bool RngRestored);

    /// <summary>
    /// Restores model, optimizer and RNG from a checkpoint, all or nothing: the file's structure, then every model tensor
    /// (key, shape and exact dtype), the optimizer state (<see cref="AdamOptimizer.StateProblems"/>) and the RNG state
    /// (<see cref="TorchRngState"/>) are checked before anything is copied, so a bad checkpoint is a
    /// <see cref="CheckpointException"/>, <see cref="StateDictMismatchException"/> or <see cref="SafeTensorsException"/>
    /// naming the file, and the model, optimizer and generator are left as they were. A checkpoint without an RNG state
    /// loads with <see cref="Restored.RngRestored"/> false (the run continues, no longer bit-exact).
    /// </summary>
    public static Restored Load(string path, nn.Module model, AdamOptimizer? optimizer, bool restoreRng = true)
    {
        var file = SafeTensorsFile.Open(path);
        var step = ReadStep(file.Metadata, path);
        var all = file.ReadAll();
        try
        {
            var target = model.state_dict();
            var modelTensors = ModelTensors(all);
            ModuleState.Check(target, modelTensors, path, strict: true, DTypeRule.Exact);
            var problems = optimizer?.StateProblems(all, OptimizerPrefix) ?? [];
            if (problems.Count > 0) throw new CheckpointException(path, "optimizer state does not fit: " + AdamOptimizer.Few(problems));
            var stray = all.Keys.Where(k => !k.StartsWith(ModelPrefix, StringComparison.Ordinal) && k != RngKey
                && !k.StartsWith(OptimizerPrefix, StringComparison.Ordinal)).ToList();
            if (stray.Count > 0) throw new CheckpointException(path, $"tensors that are no part of a checkpoint: {string.Join(", ", stray.Take(4))}");
            all.TryGetValue(RngKey, out var rng);
            if (restoreRng && rng is not null && TorchRngState.Problem(rng) is string bad)
                throw new CheckpointException(path, $"RNG state '{RngKey}' {bad}");
            ModuleState.Copy(target, modelTensors);
            optimizer?.CopyStateTensors(all, OptimizerPrefix);
            if (restoreRng && rng is not null) set_rng_state(rng);
            return new Restored(step, rng is not null);
        }
        finally { foreach (var t in all.Values) t.Dispose(); }
    }

    /// <summary>
    /// Loads weights into <paramref name="model"/> from a training checkpoint ("model." keys) or a plain state-dict file (EMA,
    /// exported, converted PyTorch). Parameters whose names start with one of <paramref name="keepFresh"/> keep the model's own
    /// values (the file's are ignored, whatever their shape); returns their names.
    /// </summary>
    public static IReadOnlyList<string> LoadWeights(nn.Module model, string path, IReadOnlyCollection<string>? keepFresh = null)
    {
        keepFresh ??= [];
        bool Fresh(string key) => keepFresh.Any(p => key.StartsWith(p, StringComparison.Ordinal));
        var own = model.state_dict();
        var fresh = own.Keys.Where(Fresh).ToList();
        if (keepFresh.Count > 0 && fresh.Count == 0)
            throw new ArgumentException($"no parameter starts with {string.Join(" or ", keepFresh)} (names: {string.Join(", ", own.Keys.Select(k => k.Split('.')[0]).Distinct())})");
        var all = SafeTensors.Load(path);
        try
        {
            var file = WeightsOf(all);
            var weights = file.Where(kv => !Fresh(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var k in fresh) weights[k] = own[k];
            ModuleState.Load(model, weights, path);
        }
        finally { foreach (var t in all.Values) t.Dispose(); }
        return fresh;
    }

    /// <summary>A checkpoint's model tensors (<see cref="ModelTensors"/>), or a weights file's tensors as they are.
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> WeightsOf(IReadOnlyDictionary<string, Tensor> file) =>
        file.Keys.Any(k => k.StartsWith(ModelPrefix, StringComparison.Ordinal)) ? ModelTensors(file) : file;

    /// <summary>Refuses a storage type weights are not kept in (float32, float16 and bfloat16 are).</summary>
    public static void CheckStorage(ScalarType? storage)
    {
        if (storage is { } st && st is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
            throw new ArgumentException($"weights are stored as float32, float16 or bfloat16 (asked for {st})");
    }

    /// <summary>The "model." tensors of a checkpoint, with the prefix removed (PyTorch state-dict keys).</summary>
    public static Dictionary<string, Tensor> ModelTensors(IReadOnlyDictionary<string, Tensor> checkpoint) =>
        checkpoint.Where(kv => kv.Key.StartsWith(ModelPrefix)).ToDictionary(kv => kv.Key[ModelPrefix.Length..], kv => kv.Value);

    /// <summary>
    /// Writes the weights of a checkpoint or weights file alone, with plain PyTorch keys (a checkpoint's "model." prefix
    /// dropped, no optimizer or RNG state) and the file's metadata: a third of a checkpoint's size, loaded wherever
    /// weights are read. <paramref name="storage"/> (Float16, BFloat16) stores floating tensors smaller; loaders upcast.
    /// </summary>
    public static void ExportWeights(string sourcePath, string outPath, ScalarType? storage = null)
    {
        CheckStorage(storage);
        var file = SafeTensorsFile.Open(sourcePath);
        var all = file.ReadAll();
        var converted = new List<Tensor>();
        try
        {
            var model = all.Keys.Any(k => k.StartsWith(ModelPrefix, StringComparison.Ordinal)) ? ModelTensors(all)
                : all.Where(kv => !kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal) && kv.Key != RngKey).ToDictionary();
            if (model.Count == 0) throw new InvalidDataException($"{sourcePath}: no model weights in it");
            if (storage is { } to)
                foreach (var key in model.Keys.ToList().Where(k => model[k].is_floating_point()))
                    converted.Add(model[key] = model[key].to(to));
            var meta = file.Metadata.Where(kv => kv.Key is not ("training" or "format")).ToDictionary(kv => kv.Key, kv => kv.Value);
            SafeTensors.Save(outPath, model, meta);
        }
        finally { foreach (var t in all.Values.Concat(converted)) t.Dispose(); }
    }
}
