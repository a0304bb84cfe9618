using static TorchSharp.torch;

namespace Cmd.IO;

/// <summary>Thrown when a state dict does not fit a module; lists every problem by key.</summary>
public sealed class StateDictMismatchException(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> shapeMismatches)
    : Exception(Describe(source, missing, unexpected, shapeMismatches))
{
    public IReadOnlyList<string> Missing { get; } = missing;
    public IReadOnlyList<string> Unexpected { get; } = unexpected;
    public IReadOnlyList<string> ShapeMismatches { get; } = shapeMismatches;

    static string Describe(string source, IReadOnlyList<string> m, IReadOnlyList<string> u, IReadOnlyList<string> s)
    {
        var parts = new List<string>();
        if (m.Count > 0) parts.Add($"{m.Count} missing keys: {Few(m, ", ")}");
        if (u.Count > 0) parts.Add($"{u.Count} unexpected keys: {Few(u, ", ")}");
        if (s.Count > 0) parts.Add($"shape mismatches: {Few(s, "; ")}");
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

/// <summary>Loads and saves a module's parameters and buffers by PyTorch key names.</summary>
public static class ModuleState
{
    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.Save(path, module.state_dict(), metadata);

    /// <summary>Loads a safetensors file into a module. Strict: any missing, unexpected or mis-shaped key is an error, and nothing is changed.</summary>
    public static void Load(nn.Module module, string path, bool strict = true)
    {
        var tensors = SafeTensors.Load(path);
        try { Load(module, tensors, path, strict); }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
    }

    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string source = "state dict", bool strict = true)
    {
        var target = module.state_dict();
        var missing = target.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        var unexpected = tensors.Keys.Where(k => !target.ContainsKey(k)).ToList();
        var mismatched = target.Keys.Where(tensors.ContainsKey)
            .Where(k => !target[k].shape.SequenceEqual(tensors[k].shape))
            .Select(k => $"{k} expects [{string.Join(", ", target[k].shape)}] but got [{string.Join(", ", tensors[k].shape)}]").ToList();
        if (mismatched.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            throw new StateDictMismatchException(source, missing, unexpected, mismatched);
        using var _ = no_grad();
        foreach (var (key, dest) in target)
            if (tensors.TryGetValue(key, out var src)) dest.copy_(src.to(dest.dtype, dest.device));
    }
}
