using static TorchSharp.torch;

namespace Cmd.Metrics.Clip;

/// <summary>
/// Opens a CLIP model file the user brings (OpenAI's <c>ViT-B-32.pt</c>, a TorchScript archive; the workbench never
/// downloads it). OpenAI's release archives (weights named like model.py's CLIP: <c>visual.conv1.weight</c>,
/// <c>token_embedding.weight</c>, ...) are rebuilt from their weights (<see cref="ClipRebuilt"/>, clip.load's default
/// jit=False path); any other archive with <c>encode_image</c>/<c>encode_text</c> runs as TorchScript (<see cref="ClipTorchScript"/>).
/// </summary>
public static class ClipModel
{
    public const string EnvironmentVariable = "WORKBENCH_CLIP_TORCHSCRIPT";

    /// <summary>How to run the file: "auto" (rebuild OpenAI archives, else TorchScript), "torchscript" or "rebuild".</summary>
    public static IClipModel Load(string path, Device? device = null, string runner = "auto")
    {
        var module = LoadScript(path, device);
        bool openAi = ClipRebuilt.IsOpenAiArchive(module);
        switch (runner)
        {
            case "auto" when openAi:
            case "rebuild":
                try { return ClipRebuilt.FromScript(module, path, device); }
                finally { module.Dispose(); }
            case "auto":
            case "torchscript":
                return new ClipTorchScript(module, path, device);
            default:
                module.Dispose();
                throw new ArgumentException($"unknown CLIP runner '{runner}' (auto, torchscript, rebuild)");
        }
    }

    /// <summary>The path from an option, else <see cref="EnvironmentVariable"/>; a clear error when neither is set.</summary>
    public static string ResolvePath(string? option) =>
        !string.IsNullOrEmpty(option) ? option
        : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env
        : throw new ArgumentException($"no CLIP model: pass --clip /path/to/ViT-B-32.pt or set {EnvironmentVariable} (the workbench never downloads it)");

    /// <summary>torch.jit.load(path, map_location=device) with one-line errors for a missing or non-TorchScript file.</summary>
    internal static jit.ScriptModule LoadScript(string path, Device? device)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: CLIP model file not found (OpenAI's ViT-B-32.pt TorchScript archive; give it with --clip or {EnvironmentVariable})", path);
        try { return jit.load(path, device ?? CPU); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: not a loadable TorchScript archive ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>clip.load reads <c>model.input_resolution.item()</c>; archives without it are taken to be 224.</summary>
    internal static int InputResolutionOf(IEnumerable<(string name, Tensor t)> tensors)
    {
        foreach (var (name, t) in tensors)
            if (name == "input_resolution" && t.numel() == 1) return (int)t.to(ScalarType.Int64).item<long>();
        return 224;
    }
}
