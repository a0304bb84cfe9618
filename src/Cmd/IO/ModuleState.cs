using static TorchSharp.torch;

namespace Cmd.IO;

/// <summary>Thrown when a state dict does not fit a module; lists every problem by key.</summary>
public sealed class StateDictMismatchException(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
    IReadOnlyList<string> shapeMismatches, IReadOnlyList<string>? dtypeMismatches = null)
    : Exception(Describe(source, missing, unexpected, shapeMismatches, dtypeMismatches ?? []))
{
    public string FilePath { get; } = source;
    public IReadOnlyList<string> Missing { get; } = missing;
    public IReadOnlyList<string> Unexpected { get; } = unexpected;
    public IReadOnlyList<string> ShapeMismatches { get; } = shapeMismatches;
    public IReadOnlyList<string> DTypeMismatches { get; } = dtypeMismatches ?? [];

    static string Describe(string source, IReadOnlyList<string> m, IReadOnlyList<string> u, IReadOnlyList<string> s, IReadOnlyList<string> d)
    {
        var parts = new List<string>();
        if (m.Count > 0) parts.Add($"{m.Count} missing keys: {Few(m, ", ")}");
        if (u.Count > 0) parts.Add($"{u.Count} unexpected keys: {Few(u, ", ")}");
        if (s.Count > 0) parts.Add($"shape mismatches: {Few(s, "; ")}");
        if (d.Count > 0) parts.Add($"dtype mismatches: {Few(d, "; ")}");
        // the common case: every missing key is in the file under one prefix, e.g. a training checkpoint's "model."
        var prefixes = m.Select(k => u.FirstOrDefault(x => x.EndsWith("." + k, StringComparison.Ordinal)) is string x ? x[..^k.Length] : null).Distinct().ToList();
        string? hint = m.Count > 0 && prefixes is [string prefix]
            ? $"; the file's keys carry a prefix ('{prefix}'): pass a weights file or the checkpoint where it is expected" : null;
        return $"{source}: state dict does not fit the module ({string.Join(" | ", parts)}){hint}";
    }

    /// <summary>The first few names and how many more, so a wholly wrong file does not print a thousand keys.</summary>
    static string Few(IReadOnlyList<string> names, string separator, int shown = 8) =>
        string.Join(separator, names.Take(shown)) + (names.Count > shown ? $"{separator}... ({names.Count - shown} more)" : "");
}

/// <summary>How a stored tensor's dtype may differ from the tensor it loads into.</summary>
public enum DTypeRule
{
    /// <summary>Only the same dtype (training checkpoints: a resumed run continues bit for bit).</summary>
    Exact,
    /// <summary>The same dtype, or float16/bfloat16 into float32/float64 (weights shipped at half size); never int from float or back.</summary>
    AllowUpcast,
}

/// <summary>Loads and saves a module's parameters and buffers by PyTorch key names.</summary>
public static class ModuleState
{
    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.Save(path, module.state_dict(), metadata);

    /// <summary>
    /// Loads a safetensors file into a module. Strict: any missing, unexpected, mis-shaped or mistyped key is an error,
    /// and then nothing is changed (every tensor is checked before the first is copied).
    /// </summary>
    public static void Load(nn.Module module, string path, bool strict = true, DTypeRule rule = DTypeRule.AllowUpcast)
    {
        var tensors = SafeTensors.Load(path);
        try { Load(module, tensors, path, strict, rule); }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
    }

    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string source = "state dict", bool strict = true,
        DTypeRule rule = DTypeRule.AllowUpcast)
    {
        var target = module.state_dict();
        Check(target, tensors, source, strict, rule);
        Copy(target, tensors);
    }

    /// <summary>Throws <see cref="StateDictMismatchException"/> unless <paramref name="tensors"/> fit <paramref name="target"/>; changes nothing.</summary>
    public static void Check(IReadOnlyDictionary<string, Tensor> target, IReadOnlyDictionary<string, Tensor> tensors, string source,
        bool strict = true, DTypeRule rule = DTypeRule.AllowUpcast)
    {
        var missing = target.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        var unexpected = tensors.Keys.Where(k => !target.ContainsKey(k)).ToList();
        var present = target.Keys.Where(tensors.ContainsKey).ToList();
        var shapes = present.Where(k => !target[k].shape.SequenceEqual(tensors[k].shape))
            .Select(k => $"{k} expects [{string.Join(", ", target[k].shape)}] but got [{string.Join(", ", tensors[k].shape)}]").ToList();
        var dtypes = present.Where(k => !Fits(tensors[k].dtype, target[k].dtype, rule))
            .Select(k => $"{k} is {tensors[k].dtype}, the module holds {target[k].dtype}").ToList();
        if (shapes.Count > 0 || dtypes.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            throw new StateDictMismatchException(source, missing, unexpected, shapes, dtypes);
    }

    /// <summary>Whether a stored dtype may load into a tensor of <paramref name="into"/> under <paramref name="rule"/>.</summary>
    public static bool Fits(ScalarType stored, ScalarType into, DTypeRule rule) =>
        stored == into || (rule == DTypeRule.AllowUpcast && stored is ScalarType.Float16 or ScalarType.BFloat16
                           && into is ScalarType.Float32 or ScalarType.Float64);

    /// <summary>Copies checked tensors into the module's (no checks: call <see cref="Check"/> first).</summary>
    public static void Copy(IReadOnlyDictionary<string, Tensor> target, IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var _ = no_grad();
        foreach (var (key, dest) in target)
            if (tensors.TryGetValue(key, out var src)) dest.copy_(src); // copy_ converts dtype (upcast) and device
    }
}
