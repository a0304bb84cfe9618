using Cmd.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Metrics.Clip;

/// <summary>
/// OpenAI's CLIP rebuilt in TorchSharp from the weights inside its TorchScript release file, as clip.load(jit=False) does
/// (build_model(jit_model.state_dict()), then model.float() on CPU): every weight, fp16 or fp32 in the archive, is
/// copied into a float32 <see cref="ClipNetwork"/> by its model.py name. This path needs no graph patching, so OpenAI's
/// CUDA-traced archives run on a CPU build.
/// </summary>
public sealed class ClipRebuilt : IClipModel
{
    /// <summary>Extra tensors OpenAI's archives hold beside the weights (build_model deletes them).</summary>
    static readonly string[] Extras = ["input_resolution", "context_length", "vocab_size"];

    readonly ClipNetwork network;
    readonly Device device;

    public string Path { get; }
    public string Name => System.IO.Path.GetFileName(Path);
    public string Runner => "rebuilt from the TorchScript weights";
    public int InputResolution => network.Config.ImageResolution;
    public ClipConfig Config => network.Config;

    ClipRebuilt(ClipNetwork network, string path, Device device)
    {
        this.network = network;
        this.device = device;
        Path = path;
    }

    /// <summary>Does the archive carry model.py's ViT CLIP weights?</summary>
    public static bool IsOpenAiArchive(jit.ScriptModule module)
    {
        var names = module.named_parameters().Select(p => p.name).ToHashSet();
        return names.Contains("visual.conv1.weight") && names.Contains("token_embedding.weight") && names.Contains("text_projection");
    }

    public static ClipRebuilt Load(string path, Device? device = null)
    {
        using var module = ClipModel.LoadScript(path, CPU);
        return FromScript(module, path, device);
    }

    internal static ClipRebuilt FromScript(jit.ScriptModule module, string path, Device? device)
    {
        var sd = module.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(module.named_buffers()).ToDictionary(p => p.name, p => p.Item2);
        var config = ClipConfig.FromStateDict(sd, System.IO.Path.GetFileName(path));
        var network = new ClipNetwork(config);
        ModuleState.Load(network, sd.Where(kv => !Extras.Contains(kv.Key)).ToDictionary(), path);
        network.eval();
        var d = device ?? CPU;
        network.to(d);
        return new ClipRebuilt(network, path, d);
    }

    public Tensor EncodeImage(Tensor images)
    {
        ClipPreprocess.CheckImages(images, InputResolution, Name);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return network.EncodeImage(images.to(ScalarType.Float32).to(device)).cpu().MoveToOuterDisposeScope();
    }

    public Tensor EncodeText(Tensor tokens)
    {
        if (tokens.dim() != 2 || tokens.dtype != ScalarType.Int64) throw new ArgumentException($"{Name}: encode_text takes int64 tokens [B, 77], got {tokens.dtype} [{string.Join(", ", tokens.shape)}]");
        long max = tokens.max().item<long>();
        if (max >= network.Config.VocabSize) throw new ArgumentException($"{Name}: token id {max} outside the model's vocabulary of {network.Config.VocabSize} (wrong BPE vocabulary?)");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return network.EncodeText(tokens.to(device)).cpu().MoveToOuterDisposeScope();
    }

    public void Dispose() => network.Dispose();
}
