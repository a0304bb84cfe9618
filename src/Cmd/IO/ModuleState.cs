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
        if (m.Count > 0) parts.Add($"missing keys: {string.Join(", ", m)}");
        if (u.Count > 0) parts.Add($"unexpected keys: {string.Join(", ", u)}");
        if (s.Count > 0) parts.Add($"shape mismatches: {string.Join("; ", s)}");
        return $"{source}: state dict does not fit the module ({string.Join(" | ", parts)})";
    }
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
