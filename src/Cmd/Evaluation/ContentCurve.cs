using Cmd.Metrics.Fvd;
using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>
/// Content frames against training step (issue 14's curve for the content DiT): snapshots of one content DiT kept
/// during its training, each scored as <see cref="ContentScore"/> does (class accuracy and FVD-local of its frames as
/// still clips), all against the same held-out real content frames and from the same sampler seed, so the points differ
/// only by the weights. A reference model (the shipped DiT) can be scored the same way beside them. With
/// <see cref="Videos"/>, every point also draws full videos from its content frames through one autoencoder and motion
/// DiT and scores them as `eval samples` does: the class accuracy and FVD-local that issue 14's targets are on.
/// </summary>
public static class ContentCurve
{
    /// <summary>How every snapshot is sampled: <paramref name="PerClass"/> frames of every class, the sampler, its
    /// guidance (<paramref name="Interval"/> null: every step) and seed; still clips of <paramref name="Frames"/>.
    /// </summary>
    public sealed record Settings(int PerClass = 20, int Frames = 16, int Steps = CmdSampler.DefaultContentSteps,
        double CfgScale = CmdSampler.DefaultCfgScale, DiffusionSampler Sampler = DiffusionSampler.Ddim,
        GuidanceInterval? Interval = null, int Seed = 0);

    /// <summary>Full videos of every point: its content frames (the ones scored as still clips), then motion from
    /// <paramref name="Motion"/> (DDIM <paramref name="MotionSteps"/>, anchored as <paramref name="Anchor"/> says) and
    /// <paramref name="Autoencoder"/>'s decoder (Eqs. 5-6).</summary>
    public sealed record Videos(CmdAutoencoder Autoencoder, LoadedDiffusionModel<MotionDiT> Motion,
        int MotionSteps = CmdSampler.DefaultMotionSteps, MotionAnchor Anchor = MotionAnchor.Off, int Batch = 50);

    /// <summary>One snapshot's scores; <paramref name="Step"/> is null for the reference model, <paramref name="Full"/>
    /// without <see cref="Videos"/>.</summary>
    public sealed record Point(long? Step, string Path, ContentScore.Result Score, SampleScore.Result? Full = null);

    /// <summary>Scores each snapshot (any order given; points come back by step). <paramref name="scored"/> hears of
    /// each point with its frames ([classes x PerClass, C, H, W], class by class; disposed after the call).</summary>
    /// <param name="preferEma">From a run folder: its EMA weights (true), its trained weights (false), or as
    /// <see cref="EmaPolicy"/> decides (null); a weights file is read as it is.</param>
    public static IReadOnlyList<Point> Score(LocalFvdDetector detector, Tensor realContent, Tensor realLabels,
        IReadOnlyList<string> snapshots, Settings settings, bool? preferEma = null,
        Action<Point, Tensor>? scored = null, Videos? videos = null)
    {
        var byStep = Snapshots.ByStep(snapshots, "content DiT");
        return byStep.Select(s => ScoreOne(detector, realContent, realLabels, s.Path, s.Step, settings, preferEma,
            scored, videos)).ToList();
    }

    /// <summary>One model scored as every snapshot is (the reference: <paramref name="step"/> null).</summary>
    public static Point ScoreOne(LocalFvdDetector detector, Tensor realContent, Tensor realLabels, string path,
        long? step, Settings settings, bool? preferEma = null, Action<Point, Tensor>? scored = null,
        Videos? videos = null)
    {
        var model = ModelStore.LoadContent(path, preferEma: preferEma);
        using var _ = model.Model;
        manual_seed(settings.Seed);   // every point from the same noise
        var (score, frames) = ContentScore.Score(detector, model.Model, realContent, realLabels, settings.PerClass,
            settings.Frames, settings.Steps, settings.CfgScale, sampler: settings.Sampler, interval: settings.Interval);
        using (frames)
        {
            var full = videos is null ? null : ScoreVideos(detector, frames, settings, videos);
            var point = new Point(step, path, score, full);
            scored?.Invoke(point, frames);
            return point;
        }
    }

    /// <summary>Full videos of the frames just scored as still clips ([classes x PerClass, C, H, W], class by class),
    /// scored against as many held-out real clips (<see cref="SampleScore"/>).</summary>
    static SampleScore.Result ScoreVideos(LocalFvdDetector detector, Tensor frames, Settings settings, Videos videos)
    {
        var labels = Enumerable.Range(0, (int)frames.shape[0] / settings.PerClass)
            .SelectMany(c => Enumerable.Repeat((long)c, settings.PerClass)).ToArray();
        var samples = CmdSampler.Animate(videos.Autoencoder, videos.Motion, frames, labels, videos.MotionSteps,
            batchSize: videos.Batch, anchor: videos.Anchor);
        using (samples.ContentFrames) using (samples.Z) using (samples.Videos) using (samples.Labels)
            return SampleScore.Score(detector, samples.Videos, samples.Labels);
    }
}
