using Cmd.Data;
using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;

namespace Cmd.Presets;

/// <summary>
/// Every named preset of the workbench, in one place: `tiny` (tests), `demo` (`make demo`), `small` (trains on 2 CPU
/// cores), the paper's sizes `ucf101`, `webvid-sd15`, `webvid-sd21` (appendix B.3, Tables 5-7; they build and
/// are counted), and `ucf101-pixel` (RGB UCF-101 in pixel space, as the authors' code trains it). <see cref="Named"/> is the one lookup; the per-model lookups take the same names.
/// </summary>
public static class RunPresets
{
    /// <summary>Tests: 32x32 one-channel clips of 8 frames, 4x4 tokens per frame, a few steps of everything.</summary>
    public static RunPreset Tiny => Fitted(new RunPreset
    {
        Name = "tiny", Description = "tests: 32x32 x 8 frames, a few steps of every model",
        Data = MovingMnistConfig.Tiny, Clips = 32, EvaluationClips = 12,
        Autoencoder = new AutoencoderConfig
        {
            Name = "tiny", Channels = 1, Frames = 8, Height = 32, Width = 32, PatchSize = 8,
            Hidden = 64, LatentChannels = 4, Depth = 1, Heads = 2, HeadDim = 32, LearningRate = 2e-3, BatchSize = 2,
        },
        Content = new DiTConfig(InputSize: 32, PatchSize: 8, InChannels: 1, HiddenSize: 64, Depth: 2, NumHeads: 4, NumClasses: 10),
        Motion = new MotionDiTConfig { Name = "tiny", KeyPatchSize = 8, HiddenSize = 64, Depth = 2, NumHeads = 4 },
        Cubic = new CubicVideoDiTConfig { Name = "tiny", PatchSize = 8, HiddenSize = 64, Depth = 2, NumHeads = 4 },
        AutoencoderSteps = 3, ContentSteps = 3, MotionSteps = 3, DiffusionBatch = 4, ContentSamplingSteps = 3, MotionSamplingSteps = 3,
    });

    /// <summary>`make demo`: 32x32 Moving MNIST clips of 8 frames, sized to finish well under 15 minutes on 2 cores.</summary>
    public static RunPreset Demo => Fitted(Tiny with
    {
        Name = "demo", Description = "make demo: 32x32 x 8 frames, 2,048 clips, 600 steps per model",
        Clips = 2048, EvaluationClips = 256,
        Autoencoder = Tiny.Autoencoder with { Name = "demo", Hidden = 96, Depth = 2, Heads = 3, LatentChannels = 4, LearningRate = 1e-3, BatchSize = 8 },
        Content = Tiny.Content! with { PatchSize = 4, HiddenSize = 128, Depth = 4, NumHeads = 4 },
        Motion = Tiny.Motion with { Name = "demo", HiddenSize = 128, Depth = 4, NumHeads = 4 },
        Cubic = Tiny.Cubic! with { Name = "demo", HiddenSize = 128, Depth = 4, NumHeads = 4 },
        AutoencoderSteps = 600, ContentSteps = 600, MotionSteps = 600, DiffusionBatch = 32, ContentSamplingSteps = 50, MotionSamplingSteps = 100,
    });

    /// <summary>
    /// Moving MNIST 64x64 x 16 frames on 2 CPU cores. Autoencoder: 8x8 patches -> 64 tokens/frame, C' = 96, 2 blocks each
    /// side, batch 4, lr 1e-3 instead of the paper's 1e-5 (tuned for a week on 8 A100s). Content DiT: patch 8 (64 tokens;
    /// with patch 4 a batch-32 step took 5.7 s on one core here), width 256, depth 6. Motion DiT: 64 z tokens + 64
    /// content tokens (key patch 8). Cubic baseline: the motion DiT's width over 16 x 256 video tokens (patch 4).
    /// </summary>
    public static RunPreset Small => Fitted(new RunPreset
    {
        Name = "small", Description = "64x64 x 16 frames: the models that train on 2 CPU cores (about an hour each)",
        Data = MovingMnistConfig.Small, Clips = 4096,
        Autoencoder = new AutoencoderConfig
        {
            Name = "small", Channels = 1, Frames = 16, Height = 64, Width = 64, PatchSize = 8,
            Hidden = 96, LatentChannels = 8, Depth = 2, Heads = 3, HeadDim = 32, LearningRate = 1e-3, BatchSize = 4,
        },
        Content = new DiTConfig(InputSize: 64, PatchSize: 8, InChannels: 1, HiddenSize: 256, Depth: 6, NumHeads: 4, NumClasses: 10),
        Motion = new MotionDiTConfig { Name = "small", KeyPatchSize = 8, HiddenSize = 256, Depth = 6, NumHeads = 4 },
        Cubic = new CubicVideoDiTConfig { Name = "small" },
        AutoencoderSteps = 3000, ContentSteps = 3000, MotionSteps = 3000,
    });

    /// <summary>
    /// UCF-101 (Tables 5-7): SD latents C=4, 64x64 with patch 2 (H'=W'=32), C'=384, D=8, depth 12, 8 heads of 64;
    /// content DiT-XL/2 from scratch, 101 classes; motion DiT-L/2, key patch 4, input patch 2; cubic DiT-L width.
    /// </summary>
    public static RunPreset Ucf101 => Fitted(new RunPreset
    {
        Name = "ucf101", Description = "paper, UCF-101 (Tables 5-7): builds and is counted; trains on a GPU cluster",
        Autoencoder = new AutoencoderConfig
        {
            Name = "ucf101", Channels = 4, Frames = 16, Height = 64, Width = 64, PatchSize = 2,
            Hidden = 384, LatentChannels = 8, Depth = 12, Heads = 8, HeadDim = 64, BatchSize = 24,
        },
        Content = DiTConfig.Official["DiT-XL/2"] with { InputSize = 64, NumClasses = 101 },
        Motion = new MotionDiTConfig { Name = "ucf101", PatchSize = 2, KeyPatchSize = 4, HiddenSize = 1024, Depth = 24, NumHeads = 16, NumClasses = 101 },
        Cubic = new CubicVideoDiTConfig { Name = "ucf101", PatchSize = 2, HiddenSize = 1024, Depth = 24, NumHeads = 16, NumClasses = 101 },
    });

    /// <summary>
    /// UCF-101 in pixel space, as the authors' code trains it (NVlabs/CMD train_ae.py --mode pixel; tools/utils.py
    /// get_models): RGB clips of 16 frames at 64x64 (paper B.1: the train split, resized to 64x64, clipped to 16
    /// frames); autoencoder with patch 2 (H' = W' = 32), C' = 384, D = 8, depth 8 with 8 heads of 48 (timm attention:
    /// 384 / 8); the paper's optimizer (B.3: Adam, lr 1e-5, betas (0.5, 0.9), batch 24) and L2 loss (the code's pixel
    /// mode adds LPIPS, which the workbench does not have). Motion DiT-L/2 with key patch 4 (Table 6); content DiT-XL/2
    /// over the 64x64x3 content frames, 101 classes, from scratch (Table 7; the code's default is ContentDiT-L/2). FVD
    /// on 2,048 clips (B.4). The data comes from the user: --dataset ucf101 --root &lt;UCF-101&gt;; step counts from the study.
    /// </summary>
    public static RunPreset Ucf101Pixel => Fitted(new RunPreset
    {
        Name = "ucf101-pixel", Description = "UCF-101 RGB 64x64 x 16 in pixel space (the authors' code, --mode pixel): for a GPU cluster",
        Clips = 9537, EvaluationClips = 2048,
        Autoencoder = new AutoencoderConfig
        {
            Name = "ucf101-pixel", Channels = 3, Frames = 16, Height = 64, Width = 64, PatchSize = 2,
            Hidden = 384, LatentChannels = 8, Depth = 8, Heads = 8, HeadDim = 48, LearningRate = 1e-5, BatchSize = 24,
        },
        Content = DiTConfig.Official["DiT-XL/2"] with { NumClasses = 101 },
        Motion = new MotionDiTConfig { Name = "ucf101-pixel", PatchSize = 2, KeyPatchSize = 4, HiddenSize = 1024, Depth = 24, NumHeads = 16, NumClasses = 101 },
        Cubic = new CubicVideoDiTConfig { Name = "ucf101-pixel", PatchSize = 2, HiddenSize = 1024, Depth = 24, NumHeads = 16, NumClasses = 101 },
    });

    /// <summary>WebVid-10M with SD1.5 latents (Tables 5-6): the UCF-101 autoencoder; motion DiT-XL/2, key patch 4,
    /// OpenCLIP ViT-H text embeddings (1024-d) through a linear projection. Content frames come from fine-tuned SD.</summary>
    public static RunPreset WebVidSd15 => Fitted(Ucf101 with
    {
        Name = "webvid-sd15", Description = "paper, WebVid-10M with SD1.5 latents (Tables 5-6): builds and is counted",
        Autoencoder = Ucf101.Autoencoder with { Name = "webvid-sd15" }, Content = null, Cubic = null,
        Motion = Ucf101.Motion with
        {
            Name = "webvid-sd15", HiddenSize = 1152, Depth = 28, NumHeads = 16, Condition = MotionCondition.Text, TextDim = 1024,
        },
    });

    /// <summary>WebVid-10M with SD2.1 latents: H'=32, W'=64 (64x128 latents); motion DiT-XL/2 with key patch 8.</summary>
    public static RunPreset WebVidSd21 => Fitted(WebVidSd15 with
    {
        Name = "webvid-sd21", Description = "paper, WebVid-10M with SD2.1 latents (Tables 5-6): builds and is counted",
        Autoencoder = Ucf101.Autoencoder with { Name = "webvid-sd21", Width = 128 },
        Motion = WebVidSd15.Motion with { Name = "webvid-sd21", KeyPatchSize = 8 },
    });

    public static IReadOnlyList<string> Names { get; } = ["tiny", "demo", "small", "ucf101", "ucf101-pixel", "webvid-sd15", "webvid-sd21"];

    /// <summary>The preset of that name (case-insensitive), or an error listing the known names.</summary>
    public static RunPreset Named(string name) => Named(name, "");

    /// <summary>A preset's autoencoder (Table 5 for the paper sizes).</summary>
    public static AutoencoderConfig Autoencoder(string name) => Named(name, "autoencoder ").Autoencoder;

    /// <summary>A preset's motion DiT (Table 6 for the paper sizes).</summary>
    public static MotionDiTConfig Motion(string name) => Named(name, "motion DiT ").Motion;

    public static CubicVideoDiTConfig Cubic(string name) => Named(name, "cubic DiT ").CubicDiT;

    static RunPreset Named(string name, string kind) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "demo" => Demo,
        "small" => Small,
        "ucf101" => Ucf101,
        "ucf101-pixel" => Ucf101Pixel,
        "webvid-sd15" => WebVidSd15,
        "webvid-sd21" => WebVidSd21,
        _ => throw new ArgumentException($"unknown {kind}preset '{name}' (known: {string.Join(", ", Names)})"),
    };

    /// <summary>A preset's content DiT, or one of the official DiT configs by name (DiT-XL/2, ...).</summary>
    public static DiTConfig ContentDiT(string name) =>
        DiTConfig.Official.TryGetValue(name, out var official) ? official : Named(name, "content DiT ").ContentDiT;

    /// <summary>Names whose preset has a model of that kind (for option descriptions and `workbench params`).</summary>
    public static IReadOnlyList<string> NamesWith(Func<RunPreset, object?> model) => Names.Where(n => model(Named(n)) is not null).ToList();

    /// <summary>The motion DiT fits the autoencoder's z and content frame; the content DiT its content frames; the cubic DiT its latent video.</summary>
    static RunPreset Fitted(RunPreset p) => p with
    {
        Motion = p.Motion.For(p.Autoencoder),
        Content = p.Content is null || p.Autoencoder.Height != p.Autoencoder.Width ? p.Content : p.Content.For(p.Autoencoder),
        Cubic = p.Cubic is null ? null : p.Cubic with
        {
            Channels = p.Autoencoder.Channels, Frames = p.Autoencoder.Frames, Height = p.Autoencoder.Height, Width = p.Autoencoder.Width,
        },
    };
}
