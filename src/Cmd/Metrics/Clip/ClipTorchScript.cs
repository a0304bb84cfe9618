using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Metrics.Clip;

/// <summary>
/// A CLIP TorchScript archive run as it is: <c>torch.jit.load</c>, then its exported methods <c>encode_image(image)</c> and
/// <c>encode_text(text)</c> through <c>ScriptModule.invoke</c>. This is clip.load(jit=True)'s path for archives whose
/// graphs run on the chosen device, e.g. a scripted or CPU-traced CLIP, or the workbench's stand-in fixture.
/// <para>OpenAI's release files (ViT-B-32.pt) were traced on CUDA in fp16: their graphs hold "cuda" device constants
/// and casts to half. clip.load(jit=True, device="cpu") rewrites those graph nodes (patch_device, patch_float);
/// TorchSharp has no API to edit TorchScript graph nodes, so such a file cannot be run as TorchScript on a CPU build.
/// <see cref="ClipModel.Load"/> therefore rebuilds OpenAI's ViT CLIP from the archive's weights instead (what clip.load
/// does by default, jit=False), see <see cref="ClipRebuilt"/>. Here, fp16 weights are cast to float32 as
/// <c>model.float()</c> does.</para>
/// </summary>
public sealed class ClipTorchScript : IClipModel
{
    readonly jit.ScriptModule module;
    readonly Device device;

    public string Path { get; }
    public string Name => System.IO.Path.GetFileName(Path);
    public string Runner => "TorchScript";
    public int InputResolution { get; }

    public ClipTorchScript(string path, Device? device = null) : this(ClipModel.LoadScript(path, device), path, device) { }

    internal ClipTorchScript(jit.ScriptModule module, string path, Device? device)
    {
        Path = path;
        this.module = module;
        this.device = device ?? CPU;
        if (module.parameters().Any(p => p.dtype == ScalarType.Float16)) module.to(ScalarType.Float32); // model.float()
        module.eval();
        InputResolution = ClipModel.InputResolutionOf(module.named_buffers().Concat(module.named_parameters().Select(p => (p.name, (Tensor)p.parameter))));
    }

    public Tensor EncodeImage(Tensor images)
    {
        ClipPreprocess.CheckImages(images, InputResolution, Name);
        return Invoke("encode_image", images.to(ScalarType.Float32), images.shape[0]);
    }

    public Tensor EncodeText(Tensor tokens)
    {
        if (tokens.dim() != 2 || tokens.dtype != ScalarType.Int64) throw new ArgumentException($"{Name}: encode_text takes int64 tokens [B, 77], got {tokens.dtype} [{string.Join(", ", tokens.shape)}]");
        return Invoke("encode_text", tokens, tokens.shape[0]);
    }

    Tensor Invoke(string method, Tensor input, long batch)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        object? output;
        try { output = module.invoke(method, input.to(device)); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"{Name}: TorchScript {method} failed ({Cause(e.Message)}){Hint(e.Message)}", e);
        }
        if (output is not Tensor t || t.dim() != 2 || t.shape[0] != batch)
            throw new InvalidDataException($"{Name}: {method} should return embeddings [{batch}, D], got {(output is Tensor o ? $"[{string.Join(", ", o.shape)}]" : output?.GetType().Name ?? "nothing")}");
        return t.to(ScalarType.Float32).cpu().MoveToOuterDisposeScope();
    }

    /// <summary>The interpreter's "RuntimeError: ..." line (its first sentence), else the message's first line.</summary>
    static string Cause(string message)
    {
        var line = message.Split('\n').FirstOrDefault(l => l.StartsWith("RuntimeError: ")) is { } r ? r["RuntimeError: ".Length..] : message.Split('\n')[0];
        int stop = line.IndexOf(". ", StringComparison.Ordinal);
        return stop > 0 ? line[..(stop + 1)] : line;
    }

    static string Hint(string message) =>
        message.Contains("CUDA") || message.Contains("Half")
            ? "; its graph was traced for CUDA/fp16 like OpenAI's ViT-B-32.pt, which only graph patching (clip.load(jit=True)) could fix: run it with --runner rebuild (or auto)"
            : "";

    public void Dispose() => module.Dispose();
}
