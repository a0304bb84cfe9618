using Cmd.Metrics.Fvd;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>
/// Does the content DiT draw the class it is given? Content frames sampled for every class are shown to the FVD-local
/// detector as still clips (the frame repeated over L frames) and scored as <see cref="SampleScore"/> scores videos:
/// the detector's two most likely digits contain the class. The same for the real content frames of held-out pairs is
/// the reference: what the detector reads from a content frame that surely shows the class. Without a motion model,
/// so a content DiT can be judged before any motion model is trained on its autoencoder. Beside it FVD-local of the
/// still clips against the real ones and the real-vs-real floor at that set size: how real the frames look, which the
/// class alone does not say.
/// </summary>
public static class ContentScore
{
    /// <param name="Fvd">FVD-local of n generated still clips (taken evenly over the classes) against n real ones, with
    /// n = min(generated, real / 2); null below 2.</param>
    /// <param name="Floor">FVD-local of the next n real still clips against the same n.</param>
    public sealed record Result(int Count, double ClassAccuracy, int RealCount, double RealClassAccuracy,
        FvdResult? Fvd = null, FvdResult? Floor = null)
    {
        public double FvdRatio => Fvd is null || Floor is null ? double.NaN : Fvd.Value / Floor.Value;

        public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Count} generated content frames: class accuracy {ClassAccuracy:P1} as still clips (top-2 of the detector " +
            $"contain the class; chance ~20%); {RealCount} real content frames: {RealClassAccuracy:P1}") + FvdText;

        string FvdText => Fvd is null || Floor is null ? "" : string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"; still clips' FVD-local {Fvd.Value:F1}, real vs real {Floor.Value:F1} at {Floor.RealCount}, " +
            $"ratio {FvdRatio:F2}");
    }

    /// <summary>Content frames [N, C, H, W] as still clips [N, frames, C, H, W].</summary>
    public static Tensor StillClips(Tensor content, int frames) => content.unsqueeze(1).expand(-1, frames, -1, -1, -1);

    /// <summary>
    /// <paramref name="perClass"/> frames of every class from <paramref name="model"/> (returned, [classes x perClass, C, H, W],
    /// class by class), scored with the real content frames beside them; guided at the steps of
    /// <paramref name="interval"/> (null: every step).
    /// </summary>
    public static (Result Score, Tensor Frames) Score(LocalFvdDetector detector, DiT model, Tensor realContent,
        Tensor realLabels, int perClass, int frames, int steps = CmdSampler.DefaultContentSteps,
        double cfgScale = CmdSampler.DefaultCfgScale, int batch = 50, DiffusionSampler sampler = DiffusionSampler.Ddim,
        GuidanceInterval? interval = null)
    {
        if (perClass < 1) throw new ArgumentException($"need at least one frame per class (got {perClass})");
        var c = model.Config;
        if (realContent.dim() != 4 || realContent.shape[1] != c.InChannels || realContent.shape[2] != c.InputSize)
            throw new ArgumentException($"the real content frames are [{string.Join(", ", realContent.shape)}] but the " +
                $"content DiT draws [N, {c.InChannels}, {c.InputSize}, {c.InputSize}]: pairs of another autoencoder?");
        using var labels = arange(c.NumClasses, dtype: int64).repeat_interleave(perClass);
        var parts = new List<Tensor>();
        for (int i = 0, n = (int)labels.shape[0]; i < n; i += batch)
        {
            using var scope = NewDisposeScope();
            var part = CmdSampler.SampleContent(model, labels[i..Math.Min(i + batch, n)], steps, cfgScale,
                sampler: sampler, interval: interval);
            parts.Add(part.cpu().MoveToOuterDisposeScope());
        }
        var generated = cat(parts);
        foreach (var f in parts) f.Dispose();
        using var fake = StillClips(generated, frames);
        using var realClips = StillClips(realContent, frames);
        double accuracy = SampleScore.ClassAccuracyOf(detector, fake, labels);
        double realAccuracy = SampleScore.ClassAccuracyOf(detector, realClips, realLabels);
        var (fvd, floor) = StillFvd(detector, generated, realContent, frames);
        var result = new Result((int)labels.shape[0], accuracy, (int)realLabels.shape[0], realAccuracy, fvd, floor);
        return (result, generated);
    }

    /// <summary>FVD-local of generated frames [N, C, H, W] as still clips against real ones, and the floor (the next
    /// real ones against the same), at n = min(N, real / 2); the generated frames taken evenly over their order.
    /// </summary>
    static (FvdResult? Fvd, FvdResult? Floor) StillFvd(LocalFvdDetector detector, Tensor generated, Tensor real,
        int frames)
    {
        long n = Math.Min(generated.shape[0], real.shape[0] / 2);
        if (n < 2) return (null, null);
        using var scope = NewDisposeScope();
        var pick = (arange(n, dtype: float64) * generated.shape[0] / n).floor().to(int64);
        var fake = StillClips(generated.index_select(0, pick), frames);
        var stats = FrechetVideoDistance.Stats(detector,
            FrechetVideoDistance.Batches(StillClips(real[..(int)n], frames)));
        var floor = FrechetVideoDistance.Stats(detector,
            FrechetVideoDistance.Batches(StillClips(real[(int)n..(int)(2 * n)], frames)));
        var fakeStats = FrechetVideoDistance.Stats(detector, FrechetVideoDistance.Batches(fake));
        return (FrechetVideoDistance.Compute(detector, stats, fakeStats),
            FrechetVideoDistance.Compute(detector, stats, floor));
    }
}
