namespace Cmd.Studies;

/// <summary>What each kind of cell measures, with the direction in which a metric is better.</summary>
public static class CellMetrics
{
    public sealed record Metric(string Name, string Label, bool LowerIsBetter);

    static readonly Metric[] AutoencoderMetrics =
    [
        new("r_fvd", "R-FVD (reconstructions vs real)", true), new("floor", "FVD real vs real (floor)", true),
        new("psnr", "PSNR dB", false), new("ssim", "SSIM", false), new("train_loss", "train loss (last 10%)", true),
    ];

    static readonly Metric[] MotionMetrics =
    [
        new("fvd", "FVD of motion predicted from real content frames", true), new("gflops", "GFLOPs per forward (motion DiT)", true),
        new("parameters", "trainable parameters", true), new("train_loss", "train loss (last 10%)", true),
        new("reconstruction_fvd", "FVD of reconstructions (real z)", true), new("static_fvd", "FVD of the static content frame", true),
        new("floor", "FVD real vs real (floor)", true),
    ];

    static readonly Metric[] ComponentMetrics =
    [
        new("reconstruction_fvd", "FVD: reconstruction", true), new("motion_prediction_fvd", "FVD: motion prediction", true),
        new("generation_fvd", "FVD: content generation (full CMD)", true), new("floor", "FVD real vs real (floor)", true),
    ];

    static readonly Metric[] ContentFrameMetrics =
    [
        new("psnr", "PSNR dB", false), new("ssim", "SSIM", false),
        new("content_frame_psnr", "PSNR of the content frame to its nearest frame, dB", false), new("train_loss", "train loss (last 10%)", true),
    ];

    public static IReadOnlyList<Metric> For(StudyKind kind) => kind switch
    {
        StudyKind.Autoencoder => AutoencoderMetrics,
        StudyKind.Motion => MotionMetrics,
        StudyKind.Components => ComponentMetrics,
        StudyKind.ContentFrames => ContentFrameMetrics,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static IReadOnlyList<string> Of(StudyKind kind) => For(kind).Select(m => m.Name).ToList();

    public static Metric Get(StudyKind kind, string name) => For(kind).First(m => m.Name == name);

    /// <summary>Metrics that need an FVD detector.</summary>
    public static bool NeedsDetector(string name) => name.Contains("fvd") || name == "floor";
}
