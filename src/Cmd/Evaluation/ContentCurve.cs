using Cmd.Metrics.Fvd;
using Cmd.Pipeline;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>
/// Content frames against training step (issue 14's curve for the content DiT): snapshots of one content DiT kept
/// during its training, each scored as <see cref="ContentScore"/> does (class accuracy and FVD-local of its frames as
/// still clips), all against the same held-out real content frames and from the same sampler seed, so the points differ
/// only by the weights. A reference model (the shipped DiT) can be scored the same way beside them.
/// </summary>
public static class ContentCurve
{
    /// <summary>How every snapshot is sampled: <paramref name="PerClass"/> frames of every class, the sampler, its
    /// guidance (<paramref name="Interval"/> null: every step) and seed; still clips of <paramref name="Frames"/>.
    /// </summary>
    public sealed record Settings(int PerClass = 20, int Frames = 16, int Steps = CmdSampler.DefaultContentSteps,
        double CfgScale = CmdSampler.DefaultCfgScale, DiffusionSampler Sampler = DiffusionSampler.Ddim,
        GuidanceInterval? Interval = null, int Seed = 0);

    /// <summary>One snapshot's scores; <paramref name="Step"/> is null for the reference model.</summary>
    public sealed record Point(long? Step, string Path, ContentScore.Result Score);

    /// <summary>Scores each snapshot (any order given; points come back by step). <paramref name="scored"/> hears of
    /// each point with its frames ([classes x PerClass, C, H, W], class by class; disposed after the call).</summary>
    /// <param name="preferEma">From a run folder: its EMA weights (true), its trained weights (false), or as
    /// <see cref="EmaPolicy"/> decides (null); a weights file is read as it is.</param>
    public static IReadOnlyList<Point> Score(LocalFvdDetector detector, Tensor realContent, Tensor realLabels,
        IReadOnlyList<string> snapshots, Settings settings, bool? preferEma = null,
        Action<Point, Tensor>? scored = null)
    {
        var byStep = Snapshots.ByStep(snapshots, "content DiT");
        return byStep.Select(s => ScoreOne(detector, realContent, realLabels, s.Path, s.Step, settings, preferEma,
            scored)).ToList();
    }

    /// <summary>One model scored as every snapshot is (the reference: <paramref name="step"/> null).</summary>
    public static Point ScoreOne(LocalFvdDetector detector, Tensor realContent, Tensor realLabels, string path,
        long? step, Settings settings, bool? preferEma = null, Action<Point, Tensor>? scored = null)
    {
        var model = ModelStore.LoadContent(path, preferEma: preferEma);
        using var _ = model.Model;
        manual_seed(settings.Seed);   // every point from the same noise
        var (score, frames) = ContentScore.Score(detector, model.Model, realContent, realLabels, settings.PerClass,
            settings.Frames, settings.Steps, settings.CfgScale, sampler: settings.Sampler, interval: settings.Interval);
        using (frames)
        {
            var point = new Point(step, path, score);
            scored?.Invoke(point, frames);
            return point;
        }
    }
}
