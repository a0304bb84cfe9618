using Cmd.Metrics.Fvd;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;

namespace Cmd.Evaluation;

/// <summary>
/// Motion prediction against training step (issue 14: "show the curve that says so"): snapshots of one motion DiT
/// kept during its training, each scored as <see cref="MotionScore"/> does, all on the same held-out clips and sampler
/// seeds, so the points differ only by the weights. The references that do not depend on the step (reconstruction,
/// another clip's real z, the floor) come with every point.
/// </summary>
public static class MotionCurve
{
    /// <summary>One snapshot's scores.</summary>
    public sealed record Point(long Step, string Path, MotionScore.Result Score);

    /// <summary>Scores each snapshot (any order given; points come back by step). <paramref name="scored"/> hears of
    /// each point as it is done (a snapshot takes minutes at 256 clips and three seeds).</summary>
    /// <param name="preferEma">From a run folder: its EMA weights (true), its trained weights (false), or as
    /// <see cref="EmaPolicy"/> decides (null); a weights file is read as it is.</param>
    public static IReadOnlyList<Point> Score(LocalFvdDetector detector, CmdAutoencoder ae,
        IReadOnlyList<string> snapshots, int count, IReadOnlyList<int> seeds, int steps = CmdSampler.DefaultMotionSteps,
        DiffusionSampler sampler = DiffusionSampler.Ddim, MotionAnchor anchor = MotionAnchor.Off,
        bool? preferEma = null, Action<Point>? scored = null)
    {
        if (count < 2) throw new ArgumentException($"FVD needs at least 2 clips (got {count})");
        MotionScore.Check(ae, null, seeds, 1.0);   // no seeds fails before the held-out set is encoded
        var byStep = Snapshots.ByStep(snapshots, "motion DiT");
        using var set = MotionScore.HeldOut.Of(detector, ae, count);
        var points = new List<Point>();
        foreach (var (step, path) in byStep)
        {
            var motion = ModelStore.LoadMotion(path, preferEma: preferEma);
            using var _ = motion.Model;
            MotionScore.Check(ae, motion, seeds, 1.0);
            var score = MotionScore.ScoreOn(set, detector, ae, motion, steps, sampler, seeds, anchor, project: false,
                cfgScale: 1.0);
            var point = new Point(step, path, score);
            points.Add(point);
            scored?.Invoke(point);
        }
        return points;
    }
}
