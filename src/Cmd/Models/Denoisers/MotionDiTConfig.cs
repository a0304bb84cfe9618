using System.Text.Json;
using System.Text.Json.Serialization;

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

    [JsonIgnore] public int OutChannels => LearnSigma ? LatentChannels * 2 : LatentChannels;
    [JsonIgnore] public int ZGridRows => Frames / PatchSize;
    [JsonIgnore] public int ZGridCols => (GridHeight + GridWidth) / PatchSize;
    [JsonIgnore] public int ZTokens => ZGridRows * ZGridCols;
    [JsonIgnore] public int ContentTokens => ContentHeight / KeyPatchSize * (ContentWidth / KeyPatchSize);

    public MotionDiTConfig Validate()
    {
        void Need(bool ok, string m) { if (!ok) throw new ArgumentException($"motion DiT config '{Name}': {m}"); }
        Need(PatchSize > 0 && Frames % PatchSize == 0 && GridHeight % PatchSize == 0 && GridWidth % PatchSize == 0,
            $"L={Frames}, H'={GridHeight}, W'={GridWidth} must be multiples of the patch size {PatchSize} (so no patch straddles z_x and z_y)");
        Need(KeyPatchSize > 0 && ContentHeight % KeyPatchSize == 0 && ContentWidth % KeyPatchSize == 0,
            $"content frame {ContentHeight}x{ContentWidth} must be a multiple of the key patch size {KeyPatchSize}");
        Need(HiddenSize % NumHeads == 0 && HiddenSize % 4 == 0, $"hidden size {HiddenSize} must be divisible by 4 and by {NumHeads} heads");
        Need(Condition != MotionCondition.Class || NumClasses > 0, "class conditioning needs NumClasses > 0");
        return this;
    }

    static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };
    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public static MotionDiTConfig FromJson(string json) =>
        (JsonSerializer.Deserialize<MotionDiTConfig>(json, Json) ?? throw new ArgumentException("empty motion DiT config")).Validate();

    /// <summary>Matches the autoencoder `tiny` preset (D=4, L=8, 4x4 grid, 1x32x32 content).</summary>
    public static MotionDiTConfig Tiny => new()
    {
        Name = "tiny", LatentChannels = 4, Frames = 8, GridHeight = 4, GridWidth = 4, ContentHeight = 32, ContentWidth = 32,
        KeyPatchSize = 8, HiddenSize = 64, Depth = 2, NumHeads = 4,
    };

    /// <summary>Matches the autoencoder `small` preset (Moving MNIST 64x64x16: D=8, 8x8 grid): 64 z tokens + 64 content tokens.</summary>
    public static MotionDiTConfig Small => new() { Name = "small", KeyPatchSize = 8, HiddenSize = 256, Depth = 6, NumHeads = 4 };

    /// <summary>Table 6, UCF-101: DiT-L/2, key patch 4, input patch 2, class-conditional (latents of the Table 5 UCF-101 autoencoder).</summary>
    public static MotionDiTConfig Ucf101 => new()
    {
        Name = "ucf101", LatentChannels = 8, Frames = 16, GridHeight = 32, GridWidth = 32, ContentChannels = 4, ContentHeight = 64, ContentWidth = 64,
        PatchSize = 2, KeyPatchSize = 4, HiddenSize = 1024, Depth = 24, NumHeads = 16, NumClasses = 101,
    };

    /// <summary>Table 6, WebVid-10M (SD1.5): DiT-XL/2, key patch 4, OpenCLIP ViT-H text embeddings (1024-d) through a linear projection.</summary>
    public static MotionDiTConfig WebVidSd15 => Ucf101 with { Name = "webvid-sd15", HiddenSize = 1152, Depth = 28, NumHeads = 16, Condition = MotionCondition.Text, TextDim = 1024 };

    /// <summary>Table 6, WebVid-10M (SD2.1): DiT-XL/2, key patch 8, W' = 64.</summary>
    public static MotionDiTConfig WebVidSd21 => WebVidSd15 with { Name = "webvid-sd21", KeyPatchSize = 8, GridWidth = 64, ContentWidth = 128 };

    public static IReadOnlyList<string> PresetNames { get; } = ["tiny", "small", "ucf101", "webvid-sd15", "webvid-sd21"];

    public static MotionDiTConfig Preset(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "small" => Small,
        "ucf101" => Ucf101,
        "webvid-sd15" => WebVidSd15,
        "webvid-sd21" => WebVidSd21,
        _ => throw new ArgumentException($"unknown motion DiT preset '{name}' (known: {string.Join(", ", PresetNames)})"),
    };
}
