using System.Globalization;
using System.Text;

namespace Cmd.Metrics.Efficiency;

/// <summary>One network's share of a method's cost: forward FLOPs x calls (sampler steps x guidance batch).</summary>
public sealed record CostRow(string Method, string Part, string Network, double ForwardFlops, int Steps, int Batch)
{
    public double TotalFlops => ForwardFlops * Steps * Batch;
}

/// <summary>Sampling and training FLOPs of CMD and the cubic baseline in one setting (Figures 1, 5, 6), counted analytically.</summary>
public sealed class EfficiencyReport
{
    public EfficiencySetting Setting { get; }
    public IReadOnlyList<CostRow> Sampling { get; }
    public IReadOnlyList<CostRow> Training { get; }

    public const double PaperSamplingRatio = 16.7; // Figure 1: ModelScope 938.9 TFLOPs vs CMD 46.83 TFLOPs (and ~20x in the text)

    public EfficiencyReport(EfficiencySetting s, int batch = 1)
    {
        Setting = s;
        int g = s.Guidance ? 2 : 1;
        var ae = s.Autoencoder;
        double content = ModelFlops.DiT(batch, (long)(s.LatentHeight / s.Content.Patch) * (s.LatentWidth / s.Content.Patch),
            (long)s.LatentChannels * s.Content.Patch * s.Content.Patch, 2L * s.LatentChannels * s.Content.Patch * s.Content.Patch,
            s.Content.Hidden, s.Content.Depth, s.Content.MlpRatio);
        double motion = VideoDenoiserFlops.MotionDiT(batch, ae.LatentChannels, ae.Frames, ae.GridHeight, ae.GridWidth, s.Motion.Patch,
            s.LatentChannels, s.LatentHeight, s.LatentWidth, s.KeyPatch, s.Motion.Hidden, s.Motion.Depth, s.Motion.MlpRatio);
        double cubic = VideoDenoiserFlops.CubicDiT(batch, s.Frames, s.LatentChannels, s.LatentHeight, s.LatentWidth, s.Cubic.Patch,
            s.Cubic.Hidden, s.Cubic.Depth, s.Cubic.MlpRatio);
        string grid = $"{s.LatentHeight}x{s.LatentWidth}";
        Sampling =
        [
            new("CMD", "content frame", $"{s.Content.Name} on {s.LatentChannels}x{grid}", content, s.ContentSteps, g),
            new("CMD", "motion latent", $"{s.Motion.Name} (z {ae.LatentChannels}x{ae.Frames}x{ae.GridHeight + ae.GridWidth} + key patch {s.KeyPatch})", motion, s.MotionSteps, 1),
            new("CMD", "decoder", $"autoencoder {ae.Name} decode", ModelFlops.AutoencoderDecode(ae, batch), 1, 1),
            new("cubic", "video", $"{s.Cubic.Name} factorised, {s.Frames}x{s.LatentChannels}x{grid}", cubic, s.CubicSteps, g),
        ];
        Training =
        [
            new("CMD", "autoencoder", $"autoencoder {ae.Name}", ModelFlops.TrainingStep(ModelFlops.Autoencoder(ae, batch)), 1, 1),
            new("CMD", "content frame", $"{s.Content.Name}", ModelFlops.TrainingStep(content), 1, 1),
            new("CMD", "motion latent", $"{s.Motion.Name}", ModelFlops.TrainingStep(motion), 1, 1),
            new("cubic", "video", $"{s.Cubic.Name} factorised", ModelFlops.TrainingStep(cubic), 1, 1),
        ];
    }

    public double SamplingTotal(string method) => Sampling.Where(r => r.Method == method).Sum(r => r.TotalFlops);
    public double SamplingRatio => SamplingTotal("cubic") / SamplingTotal("CMD");
    /// <summary>Training: the cubic step vs CMD's most expensive component (the paper's comparison in section 4.3) and vs the sum of all three.</summary>
    public double TrainingRatioToBottleneck => Training.Single(r => r.Method == "cubic").TotalFlops / Training.Where(r => r.Method == "CMD").Max(r => r.TotalFlops);
    public double TrainingRatioToSum => Training.Single(r => r.Method == "cubic").TotalFlops / Training.Where(r => r.Method == "CMD").Sum(r => r.TotalFlops);

    public static string T(double flops) => (flops / 1e12).ToString(flops >= 1e13 ? "F1" : flops >= 1e10 ? "F3" : "G4", CultureInfo.InvariantCulture);

    public string Format(IReadOnlySet<string>? methods = null)
    {
        var s = Setting;
        var sb = new StringBuilder();
        sb.AppendLine($"efficiency: {s.Name}, {s.Frames} frames of {s.PixelHeight}x{s.PixelWidth}, batch 1");
        sb.AppendLine($"  {s.Description}");
        sb.AppendLine("  FLOPs = 2 x multiply-adds of linear/conv layers and attention matmuls, counted analytically from the layer structure (not run)");
        sb.AppendLine();
        sb.AppendLine("sampling (Figure 1 / 6)");
        sb.AppendLine($"  {"method",-6} {"part",-14} {"network",-58} {"TFLOPs/fwd",11} {"steps",6} {"batch",6} {"TFLOPs",10}");
        bool Show(CostRow r) => methods is null || methods.Contains(r.Method.ToLowerInvariant());
        foreach (var r in Sampling.Where(Show))
            sb.AppendLine($"  {r.Method,-6} {r.Part,-14} {r.Network,-58} {T(r.ForwardFlops),11} {r.Steps,6} {r.Batch,6} {T(r.TotalFlops),10}");
        sb.AppendLine($"  CMD total {T(SamplingTotal("CMD"))} TFLOPs; cubic total {T(SamplingTotal("cubic"))} TFLOPs");
        sb.AppendLine($"  FLOPs ratio cubic / CMD = {SamplingRatio.ToString("F1", CultureInfo.InvariantCulture)}x   (paper, Figure 1: ~16.7x vs ModelScope, 938.9 vs 46.83 TFLOPs)");
        sb.AppendLine();
        sb.AppendLine("training step (Figure 5; forward + backward = 3 x forward FLOPs)");
        sb.AppendLine($"  {"method",-6} {"part",-14} {"network",-58} {"TFLOPs/step",11}");
        foreach (var r in Training.Where(Show))
            sb.AppendLine($"  {r.Method,-6} {r.Part,-14} {r.Network,-58} {T(r.TotalFlops),11}");
        sb.AppendLine($"  cubic / CMD bottleneck = {TrainingRatioToBottleneck.ToString("F1", CultureInfo.InvariantCulture)}x; cubic / sum of CMD's three = {TrainingRatioToSum.ToString("F1", CultureInfo.InvariantCulture)}x   (paper, section 4.3: ~12x, AE 0.77 vs ModelScope 9.41 TFLOPs)");
        return sb.ToString();
    }
}
