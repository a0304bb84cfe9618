using Cmd.Models.Autoencoder;

namespace Cmd.Models.Denoisers;

/// <summary>Hyper-parameters of a DiT (Peebles &amp; Xie 2023), named like the official `DiT(...)` arguments.</summary>
public sealed record DiTConfig(
    int InputSize = 32,
    int PatchSize = 2,
    int InChannels = 4,
    int HiddenSize = 1152,
    int Depth = 28,
    int NumHeads = 16,
    double MlpRatio = 4.0,
    double ClassDropoutProb = 0.1,
    int NumClasses = 1000,
    bool LearnSigma = true,
    string Prediction = "eps",
    bool LongSkips = false)
{
    // LongSkips: U-ViT's long skip connections (Bao et al. 2023), a workbench switch, not the paper's DiT: each block of the
    // second half also reads the tokens that entered its mirror block of the first half (the patch embedding for the
    // last block), so a pixel-space model need not carry x_t through every block. Off reproduces the official DiT.
    // Prediction: what the first InChannels outputs are: "eps" (DiT, the paper), "x0" (the official create_diffusion's
    // predict_xstart) or "v" (Salimans & Ho 2022). A workbench switch: a pixel-space DiT must copy its input through the
    // patch tokens where its target is nearly x_t (eps at high noise, x_0 at low noise), which it learns slowly.
    public static IReadOnlyList<string> Predictions { get; } = ["eps", "x0", "v"];

    public int OutChannels => LearnSigma ? InChannels * 2 : InChannels;
    public int GridSize => InputSize / PatchSize;
    public int NumPatches => GridSize * GridSize;

    /// <summary>The 12 official configs at 256px (32x32x4 latents, learned sigma, 1000 classes).</summary>
    public static readonly IReadOnlyDictionary<string, DiTConfig> Official = BuildOfficial();

    /// <summary>A few-block model for tests and quick runs.</summary>
    public static readonly DiTConfig Tiny = new(InputSize: 8, PatchSize: 2, HiddenSize: 64, Depth: 2, NumHeads: 4, NumClasses: 10);

    public static DiTConfig Named(string name, int? inputSize = null, int? inChannels = null, int? numClasses = null)
    {
        if (!Official.TryGetValue(name, out var cfg))
            throw new ArgumentException($"unknown DiT config '{name}' (known: {string.Join(", ", Official.Keys)})");
        return cfg with
        {
            InputSize = inputSize ?? cfg.InputSize,
            InChannels = inChannels ?? cfg.InChannels,
            NumClasses = numClasses ?? cfg.NumClasses,
        };
    }

    /// <summary>The same model over an autoencoder's content frames x̄ [C, H, W] (square: DiT's grid is).</summary>
    public DiTConfig For(AutoencoderConfig ae) => ae.Height == ae.Width ? this with { InChannels = ae.Channels, InputSize = ae.Height }
        : throw new ArgumentException($"a DiT takes square inputs; autoencoder '{ae.Name}' makes {ae.Height}x{ae.Width} content frames");

    /// <summary>Checks the shapes fit together; throws a clear error otherwise.</summary>
    public DiTConfig Validate()
    {
        if (!Predictions.Contains(Prediction))
            throw new ArgumentException($"DiT prediction '{Prediction}' is not one of {string.Join(", ", Predictions)}");
        if (PatchSize <= 0 || InputSize % PatchSize != 0) throw new ArgumentException($"DiT input size {InputSize} is not a multiple of patch size {PatchSize}");
        if (HiddenSize < 1 || Depth < 1 || NumHeads < 1)
            throw new ArgumentException($"DiT hidden size, depth and heads must be >= 1 (got {HiddenSize}, {Depth}, {NumHeads})");
        if (HiddenSize % NumHeads != 0) throw new ArgumentException($"DiT hidden size {HiddenSize} is not divisible by {NumHeads} heads");
        if (HiddenSize % 4 != 0) throw new ArgumentException($"DiT hidden size {HiddenSize} must be a multiple of 4 (2D sin-cos position embedding)");
        return this;
    }

    static Dictionary<string, DiTConfig> BuildOfficial()
    {
        var sizes = new (string Name, int Depth, int Hidden, int Heads)[] { ("XL", 28, 1152, 16), ("L", 24, 1024, 16), ("B", 12, 768, 12), ("S", 12, 384, 6) };
        var result = new Dictionary<string, DiTConfig>();
        foreach (var (name, depth, hidden, heads) in sizes)
            foreach (var p in new[] { 2, 4, 8 })
                result[$"DiT-{name}/{p}"] = new DiTConfig(PatchSize: p, HiddenSize: hidden, Depth: depth, NumHeads: heads);
        return result;
    }
}
