using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Metrics.Clip;

/// <summary>The sizes model.py's build_model reads off a ViT CLIP state dict (heads = width / 64).</summary>
public sealed record ClipConfig(int EmbedDim, int ImageResolution, int VisionLayers, int VisionWidth, int VisionPatchSize,
    int ContextLength, int VocabSize, int TransformerWidth, int TransformerHeads, int TransformerLayers)
{
    public static readonly ClipConfig VitB32 = new(512, 224, 12, 768, 32, 77, 49408, 512, 8, 12);

    /// <summary>Parameters of model.py's ViT CLIP at these sizes (151,277,313 for ViT-B/32), counted without building it.</summary>
    public long ParameterCount
    {
        get
        {
            static long Blocks(long w, long layers) => layers * (4 * w * w + 4 * w + 8 * w * w + 5 * w + 4 * w); // attention + MLP + two LayerNorms
            long grid = ImageResolution / VisionPatchSize;
            long vision = 3L * VisionWidth * VisionPatchSize * VisionPatchSize + VisionWidth + (grid * grid + 1) * VisionWidth
                + 4L * VisionWidth + Blocks(VisionWidth, VisionLayers) + (long)VisionWidth * EmbedDim;
            long text = (long)VocabSize * TransformerWidth + (long)ContextLength * TransformerWidth + Blocks(TransformerWidth, TransformerLayers)
                + 2L * TransformerWidth + (long)TransformerWidth * EmbedDim;
            return vision + text + 1; // + logit_scale
        }
    }

    /// <summary>build_model's inference of the sizes from the weights' shapes (ViT image towers only).</summary>
    public static ClipConfig FromStateDict(IReadOnlyDictionary<string, Tensor> sd, string source)
    {
        Tensor Get(string key) => sd.TryGetValue(key, out var t) ? t
            : throw new InvalidDataException($"{source}: no '{key}': not a ViT CLIP of OpenAI's model.py (ResNet CLIPs are not supported)");
        int visionWidth = (int)Get("visual.conv1.weight").shape[0];
        int patch = (int)Get("visual.conv1.weight").shape[^1];
        int visionLayers = sd.Keys.Count(k => k.StartsWith("visual.") && k.EndsWith(".attn.in_proj_weight"));
        int grid = (int)Math.Round(Math.Sqrt(Get("visual.positional_embedding").shape[0] - 1));
        int width = (int)Get("ln_final.weight").shape[0];
        int layers = sd.Keys.Where(k => k.StartsWith("transformer.resblocks.")).Select(k => k.Split('.')[2]).Distinct().Count();
        return new ClipConfig((int)Get("text_projection").shape[1], patch * grid, visionLayers, visionWidth, patch,
            (int)Get("positional_embedding").shape[0], (int)Get("token_embedding.weight").shape[0], width, width / 64, layers);
    }
}

/// <summary>
/// model.py's CLIP with a ViT image tower, in float32, with the same parameter names as OpenAI's checkpoints
/// (visual.*, token_embedding, positional_embedding, transformer.*, ln_final, text_projection, logit_scale).
/// </summary>
public sealed class ClipNetwork : nn.Module
{
    readonly ClipVisionTransformer visual;
    readonly Embedding token_embedding;
    readonly Parameter positional_embedding, text_projection, logit_scale;
    readonly ClipTransformer transformer;
    readonly LayerNorm ln_final;

    public ClipConfig Config { get; }

    public ClipNetwork(ClipConfig c) : base("CLIP")
    {
        Config = c;
        visual = new ClipVisionTransformer(c.ImageResolution, c.VisionPatchSize, c.VisionWidth, c.VisionLayers, c.VisionWidth / 64, c.EmbedDim);
        transformer = new ClipTransformer(c.TransformerWidth, c.TransformerLayers, c.TransformerHeads, causal: true);
        token_embedding = nn.Embedding(c.VocabSize, c.TransformerWidth);
        positional_embedding = nn.Parameter(zeros(c.ContextLength, c.TransformerWidth));
        ln_final = nn.LayerNorm(c.TransformerWidth);
        text_projection = nn.Parameter(zeros(c.TransformerWidth, c.EmbedDim));
        logit_scale = nn.Parameter(tensor(1f)); // a 0-d tensor, as torch.ones([]) in model.py
        RegisterComponents();
    }

    /// <summary>encode_image: images [B, 3, R, R] -> [B, EmbedDim].</summary>
    public Tensor EncodeImage(Tensor images) => visual.call(images);

    /// <summary>encode_text: tokens [B, L] int64 -> the final LayerNorm'd feature at each row's end token (its largest id), projected.</summary>
    public Tensor EncodeText(Tensor tokens)
    {
        if (tokens.shape[1] > Config.ContextLength) throw new ArgumentException($"token rows of {tokens.shape[1]} exceed the model's context length {Config.ContextLength}");
        var x = token_embedding.call(tokens) + positional_embedding[TensorIndex.Slice(0, tokens.shape[1])];
        x = ln_final.call(transformer.call(x));
        var end = tokens.argmax(-1);
        return x[arange(x.shape[0]), end].matmul(text_projection);
    }
}
