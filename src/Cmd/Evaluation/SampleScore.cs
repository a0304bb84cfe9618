using Cmd.Data;
using Cmd.IO;
using Cmd.Metrics.Fvd;
using Cmd.Metrics;
using MathNet.Numerics.Statistics;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>
/// An objective score of class-conditional Moving MNIST samples: class accuracy (the FVD-local detector's two most
/// likely digits contain the class the video was generated for; a clip shows two digits, the label is the first's, so
/// chance is about 2 in 10), FVD-local against as many held-out real clips, the real-vs-real floor at that set size,
/// and FVD over the floor.
/// </summary>
public static class SampleScore
{
    public sealed record Result(int Count, double ClassAccuracy, FvdResult Fvd, FvdResult Floor)
    {
        public double FvdRatio => Fvd.Value / Floor.Value;

        public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Count} samples: class accuracy {ClassAccuracy:P1} (top-2 of the detector contain the class; chance ~20%); " +
            $"FVD-local {Fvd.Value:F1}, real vs real {Floor.Value:F1} at {Floor.RealCount} clips, ratio {FvdRatio:F2} (detector {Fvd.Detector})");

        /// <summary>The FVD-local part of <see cref="ToString"/> alone (another reference draw of the same videos).</summary>
        public string FvdPart() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"FVD-local {Fvd.Value:F1}, real vs real {Floor.Value:F1} at {Floor.RealCount} clips, ratio {FvdRatio:F2}");
    }

    /// <summary>Several sample sets of one size (e.g. sampler seeds) summarised: mean, sample standard deviation and
    /// range of class accuracy and of FVD-local over the floor. Sets of other sizes are refused: the floor, and so the
    /// ratio, depend on the number of clips.</summary>
    public sealed record Spread(int Sets, int Count, double AccuracyMean, double AccuracySd, double RatioMean,
        double RatioSd, double RatioMin, double RatioMax)
    {
        public static Spread Of(IReadOnlyList<Result> results)
        {
            if (results.Count < 2)
                throw new ArgumentException($"a spread needs at least 2 sample sets (got {results.Count})");
            var sizes = results.Select(r => r.Count).Distinct().ToList();
            if (sizes.Count > 1)
                throw new ArgumentException($"sample sets of {string.Join(", ", sizes)} videos: FVD-local over " +
                    "the floor depends on the number of clips, so only sets of one size are summarised");
            var accuracy = results.Select(r => r.ClassAccuracy).ToArray();
            var ratio = results.Select(r => r.FvdRatio).ToArray();
            return new Spread(results.Count, sizes[0], accuracy.Mean(), accuracy.StandardDeviation(), ratio.Mean(),
                ratio.StandardDeviation(), ratio.Min(), ratio.Max());
        }

        public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Sets} sets of {Count} samples: class accuracy {AccuracyMean:P1} (sd {100 * AccuracySd:F1} points); " +
            $"FVD-local over the floor {RatioMean:F2} (sd {RatioSd:F2}; {RatioMin:F2} to {RatioMax:F2})");
    }

    /// <summary>Scores videos [N, L, C, H, W] in [-1, 1] generated for <paramref name="labels"/> [N], against the
    /// held-out clips of reference draw <paramref name="draw"/> (0: the usual ones; <see cref="ReferenceDraws"/>).</summary>
    public static Result Score(LocalFvdDetector detector, Tensor videos, Tensor labels, int batch = 32, int draw = 0)
    {
        int n = (int)videos.shape[0];
        if (labels.dim() != 1 || labels.shape[0] != n)
            throw new ArgumentException($"{n} videos need {n} labels, got [{string.Join(", ", labels.shape)}]");
        if (n < 2) throw new ArgumentException($"FVD needs at least 2 videos (got {n})");
        double accuracy = ClassAccuracyOf(detector, videos, labels, batch);
        return Against(detector, videos, accuracy, draw);
    }

    /// <summary>The same videos scored against reference draws 0 .. <paramref name="draws"/> - 1, each its own held-out
    /// clips and floor; the class accuracy is the videos' own, the same in every draw.</summary>
    public static IReadOnlyList<Result> ScoreDraws(LocalFvdDetector detector, Tensor videos, Tensor labels, int draws,
        int batch = 32)
    {
        if (draws < 1) throw new ArgumentException($"reference draws must be 1 or more (got {draws})");
        var first = Score(detector, videos, labels, batch);
        var others = Enumerable.Range(1, draws - 1).Select(d => Against(detector, videos, first.ClassAccuracy, d));
        return [first, .. others];
    }

    /// <summary>FVD-local of the videos against draw <paramref name="draw"/>'s first N held-out clips, and the floor
    /// of its next N against them.</summary>
    static Result Against(LocalFvdDetector detector, Tensor videos, double accuracy, int draw)
    {
        int n = (int)videos.shape[0];
        var real = FvdEvaluation.HeldOut(ShapeOf(videos), 2 * n, draw);
        var realStats = FvdEvaluation.Stats(detector, real, n);
        var fvd = FvdEvaluation.Of(detector, realStats, videos);
        var floor = FvdEvaluation.RealVsReal(detector, realStats, real, n);
        return new Result(n, accuracy, fvd, floor);
    }

    /// <summary>(FVD-local, floor) of each draw, for <see cref="ReferenceDraws.Of"/>.</summary>
    public static ReferenceDraws Summary(IReadOnlyList<Result> draws) =>
        ReferenceDraws.Of([.. draws.Select(r => (r.Fvd.Value, r.Floor.Value))], draws[0].Count);

    /// <summary>The share of videos whose class is among the detector's two most likely digits.</summary>
    public static double ClassAccuracyOf(LocalFvdDetector detector, Tensor videos, Tensor labels, int batch = 32)
    {
        using var logits = Logits(detector.Model, videos, batch);
        return ClassAccuracy.TopK(logits, labels, k: 2);
    }

    /// <summary>Scores a samples file (`workbench sample` writes one): tensors "videos" and "label".</summary>
    public static Result Score(LocalFvdDetector detector, string samplesPath) => ScoreDraws(detector, samplesPath, 1)[0];

    /// <summary><see cref="ScoreDraws(LocalFvdDetector, Tensor, Tensor, int, int)"/> of a samples file.</summary>
    public static IReadOnlyList<Result> ScoreDraws(LocalFvdDetector detector, string samplesPath, int draws)
    {
        var (videos, _) = VideoTensorFile.Read(samplesPath);
        using (videos)
        {
            var file = SafeTensorsFile.Open(samplesPath);
            if (!file.Tensors.Any(t => t.Name == "label"))
                throw new ArgumentException($"{samplesPath}: no tensor 'label' [N]: class accuracy needs the class each video was generated for");
            using var labels = file.Read("label").to(int64);
            return ScoreDraws(detector, videos, labels, draws);
        }
    }

    /// <summary>Moving MNIST clips of the samples' shape [L, C, H, W] (digit size as the tiny or small preset).</summary>
    static MovingMnistConfig ShapeOf(Tensor videos)
    {
        int l = (int)videos.shape[1], c = (int)videos.shape[2], h = (int)videos.shape[3], w = (int)videos.shape[4];
        if (h != w) throw new ArgumentException($"Moving MNIST frames are square; the samples are {h}x{w}");
        return (h <= 32 ? MovingMnistConfig.Tiny : MovingMnistConfig.Small) with { Frames = l, Size = h, Channels = c };
    }

    static Tensor Logits(LocalVideoDetector detector, Tensor videos, int batch)
    {
        var parts = new List<Tensor>();
        using var _ = no_grad();
        for (long i = 0; i < videos.shape[0]; i += batch)
            parts.Add(detector.call(videos.narrow(0, i, Math.Min(batch, videos.shape[0] - i))).cpu());
        var all = cat(parts.ToArray());
        parts.ForEach(t => t.Dispose());
        return all;
    }
}
