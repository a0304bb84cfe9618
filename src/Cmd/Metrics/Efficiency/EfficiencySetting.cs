using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Presets;

namespace Cmd.Metrics.Efficiency;

/// <summary>A DiT's width/depth taken from a named DiT config (e.g. DiT-XL/2), applied to some token grid.</summary>
public sealed record DenoiserShape(string Name, int Hidden, int Depth, int Heads, double MlpRatio, int Patch)
{
    public static DenoiserShape FromDiT(string name)
    {
        var c = DiTConfig.Named(name);
        return new DenoiserShape(name, c.HiddenSize, c.Depth, c.NumHeads, c.MlpRatio, c.PatchSize);
    }

    /// <summary>The shape of a content-DiT preset (so counted and trained models cannot drift apart).</summary>
    public static DenoiserShape FromContent(string name, DiTConfig c) =>
        new($"{name} (w{c.HiddenSize} d{c.Depth} /{c.PatchSize})", c.HiddenSize, c.Depth, c.NumHeads, c.MlpRatio, c.PatchSize);

    /// <summary>The shape of a motion-DiT preset (z patch; its key patch goes in <see cref="EfficiencySetting.KeyPatch"/>).</summary>
    public static DenoiserShape FromMotion(MotionDiTConfig c) =>
        new($"motion DiT {c.Name} (w{c.HiddenSize} d{c.Depth} /{c.PatchSize})", c.HiddenSize, c.Depth, c.NumHeads, c.MlpRatio, c.PatchSize);
}

/// <summary>
/// One efficiency setting (Figures 1, 5, 6): video size, the latent space the diffusion models work in, and the
/// networks of CMD (autoencoder, content-frame DiT, motion DiT) and of the cubic baseline (a video DiT of the same
/// width and depth over the whole L x H x W latent video). Sampler steps follow appendix B.4 (content 50, motion
/// 100 DDIM steps); the cubic baseline uses 50, like the content model.
/// </summary>
public sealed record EfficiencySetting
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public int Frames { get; init; } = 16;
    public int PixelHeight { get; init; }
    public int PixelWidth { get; init; }
    /// <summary>Spatial down-sampling of the frame encoder in front (8 for Stable Diffusion latents, 1 in pixel space).</summary>
    public int LatentFactor { get; init; } = 8;
    public int LatentChannels { get; init; } = 4;
    public int LatentHeight => PixelHeight / LatentFactor;
    public int LatentWidth => PixelWidth / LatentFactor;
    public required AutoencoderConfig Autoencoder { get; init; }
    public required DenoiserShape Content { get; init; }
    public required DenoiserShape Motion { get; init; }
    public int KeyPatch { get; init; } = 4;
    public required DenoiserShape Cubic { get; init; }
    public int ContentSteps { get; init; } = 50;
    public int MotionSteps { get; init; } = 100;
    public int CubicSteps { get; init; } = 50;
    /// <summary>Classifier-free guidance doubles the batch of the guided networks (content frame and cubic; the motion model is not guided, B.4).</summary>
    public bool Guidance { get; init; } = true;

    /// <summary>The motion DiT of this setting as the workbench builds it (class-conditional).</summary>
    public MotionDiTConfig MotionConfig() => new()
    {
        Name = $"{Name}-motion", LatentChannels = Autoencoder.LatentChannels, Frames = Autoencoder.Frames,
        GridHeight = Autoencoder.GridHeight, GridWidth = Autoencoder.GridWidth,
        ContentChannels = LatentChannels, ContentHeight = LatentHeight, ContentWidth = LatentWidth,
        PatchSize = Motion.Patch, KeyPatchSize = KeyPatch, HiddenSize = Motion.Hidden, Depth = Motion.Depth, NumHeads = Motion.Heads,
        MlpRatio = Motion.MlpRatio, Condition = MotionCondition.Class, NumClasses = 10,
    };

    /// <summary>The cubic baseline of this setting as the workbench builds it.</summary>
    public CubicVideoDiTConfig CubicConfig() => new()
    {
        Name = $"{Name}-cubic", Channels = LatentChannels, Frames = Frames, Height = LatentHeight, Width = LatentWidth,
        PatchSize = Cubic.Patch, HiddenSize = Cubic.Hidden, Depth = Cubic.Depth, NumHeads = Cubic.Heads, MlpRatio = Cubic.MlpRatio, NumClasses = 10,
    };

    /// <summary>The same setting with another clip length (the autoencoder's L follows).</summary>
    public EfficiencySetting WithFrames(int frames) => this with { Frames = frames, Autoencoder = Autoencoder with { Frames = frames } };

    public static EfficiencySetting Preset(string name) => Presets.TryGetValue(name, out var s) ? s
        : throw new ArgumentException($"unknown efficiency preset '{name}' (known: {string.Join(", ", Presets.Keys)})");

    static AutoencoderConfig Ae(AutoencoderConfig table5, int frames, int latentH, int latentW) =>
        table5 with { Frames = frames, Height = latentH, Width = latentW };

    public static EfficiencySetting PaperWebVid(int height, int width, int frames = 16) => new()
    {
        Name = $"paper-webvid-{height}x{width}",
        Description = $"WebVid-10M text-to-video at {height}x{width}: SD latents 4x{height / 8}x{width / 8}, autoencoder Table 5 (C'=384, D=8, depth 12), motion DiT-XL/2 with key patch 8 (Table 6, SD2.1), content DiT-XL/2 (the paper fine-tunes SD2.1 here), cubic baseline DiT-XL/2",
        Frames = frames, PixelHeight = height, PixelWidth = width,
        Autoencoder = Ae(RunPresets.WebVidSd21.Autoencoder, frames, height / 8, width / 8),
        Content = DenoiserShape.FromDiT("DiT-XL/2"), Motion = DenoiserShape.FromDiT("DiT-XL/2"), KeyPatch = 8,
        Cubic = DenoiserShape.FromDiT("DiT-XL/2"),
    };

    public static readonly IReadOnlyDictionary<string, EfficiencySetting> Presets = new Dictionary<string, EfficiencySetting>(StringComparer.OrdinalIgnoreCase)
    {
        ["paper-webvid-512x1024"] = PaperWebVid(512, 1024),
        ["paper-webvid-512x512"] = PaperWebVid(512, 512) with { KeyPatch = 4 },
        ["paper-ucf101-256"] = new()
        {
            Name = "paper-ucf101-256",
            Description = "UCF-101 at 256x256: SD latents 4x32x32, autoencoder Table 5 (patch 2), motion DiT-L/2 with key patch 4 (Table 6), content DiT-XL/2 (Table 7), cubic DiT-XL/2",
            PixelHeight = 256, PixelWidth = 256,
            Autoencoder = Ae(RunPresets.Ucf101.Autoencoder, 16, 32, 32),
            Content = DenoiserShape.FromDiT("DiT-XL/2"), Motion = DenoiserShape.FromDiT("DiT-L/2"), KeyPatch = 4,
            Cubic = DenoiserShape.FromDiT("DiT-XL/2"),
        },
        ["small"] = new()
        {
            Name = "small",
            Description = "Moving MNIST 64x64 x 16 frames in pixel space (1 channel): autoencoder 'small', content/motion/cubic DiTs of width 256, depth 6, 4 heads (content patch 8, motion patch 2, key patch 8, cubic patch 4): the presets the workbench trains; runs on 2 CPU cores",
            PixelHeight = 64, PixelWidth = 64, LatentFactor = 1, LatentChannels = 1,
            Autoencoder = RunPresets.Small.Autoencoder,
            Content = DenoiserShape.FromContent("content DiT small", RunPresets.Small.ContentDiT),
            Motion = DenoiserShape.FromMotion(RunPresets.Small.Motion), KeyPatch = RunPresets.Small.Motion.KeyPatchSize,
            Cubic = new DenoiserShape("video DiT w256 d6 /4", 256, 6, 4, 4.0, 4),
        },
        ["tiny"] = new()
        {
            Name = "tiny",
            Description = "tests: Moving MNIST 32x32 x 8 frames, autoencoder 'tiny', DiTs of width 64, depth 2",
            Frames = 8, PixelHeight = 32, PixelWidth = 32, LatentFactor = 1, LatentChannels = 1,
            Autoencoder = RunPresets.Tiny.Autoencoder,
            Content = DenoiserShape.FromContent("content DiT tiny", RunPresets.Tiny.ContentDiT),
            Motion = DenoiserShape.FromMotion(RunPresets.Tiny.Motion), KeyPatch = RunPresets.Tiny.Motion.KeyPatchSize,
            Cubic = new DenoiserShape("video DiT w64 d2 /8", 64, 2, 4, 4.0, 8),
        },
    };
}
