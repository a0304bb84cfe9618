using System.Text.Json.Serialization;
using System.Text.Json;
using Cmd.Models.Autoencoder;

namespace Cmd.Models.Denoisers;

/// <summary>How the motion diffusion model is conditioned besides the content frame: nothing, a class label, or a text embedding (linear projection).</summary>
public enum MotionCondition { None, Class, Text }

/// <summary>
/// Motion diffusion model (section 3.2, appendix B.3 Table 6): a DiT denoising z = (z_x, z_y) stored as [D, L, H'+W'],
/// patchified with <see cref="PatchSize"/> ("input patch size"); the content frame [C, H, W] enters as extra input-level
/// tokens with its own <see cref="KeyPatchSize"/>; the condition goes through adaLN.
/// </summary>
public sealed record MotionDiTConfig
{
    public string Name { get; init; } = "custom";
    public int LatentChannels { get; init; } = 8;   // D
    public int Frames { get; init; } = 16;          // L
    public int GridHeight { get; init; } = 8;       // H'
    public int GridWidth { get; init; } = 8;        // W'
    public int ContentChannels { get; init; } = 1;  // C
    public int ContentHeight { get; init; } = 64;   // H
    public int ContentWidth { get; init; } = 64;    // W
    public int PatchSize { get; init; } = 2;
    /// <summary>Workbench switch: frames per z patch (0: <see cref="PatchSize"/>, the paper's square patches). L = 16
    /// makes each token a whole trajectory of its PatchSize cells, so the blocks denoise along time within a token.
    /// </summary>
    public int FramePatch { get; init; }
    public int KeyPatchSize { get; init; } = 4;
    public int HiddenSize { get; init; } = 256;
    public int Depth { get; init; } = 6;
    public int NumHeads { get; init; } = 4;
    public double MlpRatio { get; init; } = 4.0;
    public MotionCondition Condition { get; init; } = MotionCondition.Class;
    public int NumClasses { get; init; } = 10;
    public int TextDim { get; init; } = 1024;
    public double ClassDropoutProb { get; init; } = 0.1;
    public bool LearnSigma { get; init; } = true;
    /// <summary>What the network predicts: eps (the paper), x0 or v (<see cref="DiTConfig.Predictions"/>).</summary>
    public string Prediction { get; init; } = "eps";
    /// <summary>Workbench switch: the DiT is also told how far each z channel moves (<see cref="MagnitudeEmbedder"/>;
    /// false: the paper).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool MagnitudeCondition { get; init; }

    [JsonIgnore] public int OutChannels => LearnSigma ? LatentChannels * 2 : LatentChannels;
    /// <summary>Frames per z patch: <see cref="FramePatch"/>, or <see cref="PatchSize"/> when that is 0.</summary>
    [JsonIgnore] public int PatchFrames => FramePatch > 0 ? FramePatch : PatchSize;
    [JsonIgnore] public int ZGridRows => Frames / PatchFrames;
    [JsonIgnore] public int ZGridCols => (GridHeight + GridWidth) / PatchSize;
    [JsonIgnore] public int ZTokens => ZGridRows * ZGridCols;
    /// <summary>Values of the magnitude condition: each z channel's, for z_x and for z_y.</summary>
    [JsonIgnore] public int MagnitudeInputs => 2 * LatentChannels;
    [JsonIgnore] public int ContentTokens => ContentHeight / KeyPatchSize * (ContentWidth / KeyPatchSize);

    public MotionDiTConfig Validate()
    {
        void Need(bool ok, string m) { if (!ok) throw new ArgumentException($"motion DiT config '{Name}': {m}"); }
        Need(PatchSize > 0 && GridHeight % PatchSize == 0 && GridWidth % PatchSize == 0,
            $"H'={GridHeight}, W'={GridWidth} must be multiples of the patch size {PatchSize} (so no patch straddles z_x and z_y)");
        Need(FramePatch >= 0 && Frames % PatchFrames == 0,
            $"L={Frames} must be a multiple of the frames per patch {PatchFrames}");
        Need(KeyPatchSize > 0 && ContentHeight % KeyPatchSize == 0 && ContentWidth % KeyPatchSize == 0,
            $"content frame {ContentHeight}x{ContentWidth} must be a multiple of the key patch size {KeyPatchSize}");
        Need(HiddenSize >= 1 && Depth >= 1 && NumHeads >= 1, $"hidden size, depth and heads must be >= 1 (got {HiddenSize}, {Depth}, {NumHeads})");
        Need(HiddenSize % NumHeads == 0 && HiddenSize % 4 == 0, $"hidden size {HiddenSize} must be divisible by 4 and by {NumHeads} heads");
        Need(Condition != MotionCondition.Class || NumClasses > 0, "class conditioning needs NumClasses > 0");
        Need(DiTConfig.Predictions.Contains(Prediction),
            $"prediction '{Prediction}' is not one of {string.Join(", ", DiTConfig.Predictions)}");
        return this;
    }

    static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };
    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public static MotionDiTConfig FromJson(string json) =>
        (JsonSerializer.Deserialize<MotionDiTConfig>(json, Json) ?? throw new ArgumentException("empty motion DiT config")).Validate();

    /// <summary>The same model fitted to an autoencoder's motion latent z [D, L, H'+W'] and content frame [C, H, W].</summary>
    public MotionDiTConfig For(AutoencoderConfig ae) => this with
    {
        LatentChannels = ae.LatentChannels, Frames = ae.Frames, GridHeight = ae.GridHeight, GridWidth = ae.GridWidth,
        ContentChannels = ae.Channels, ContentHeight = ae.Height, ContentWidth = ae.Width,
    };
}
