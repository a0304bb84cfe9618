using System.Globalization;
using System.Text;
using Cmd.Data;
using Cmd.Metrics.Fvd;
using Cmd.Metrics;
using Plotly.NET.CSharp;
using Plotly.NET;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>
/// Shows a detector gives a real metric: FVD of two disjoint real sets (near zero), and FVD of real vs real clips
/// corrupted at increasing levels of noise, blur and frame shuffling (should grow monotonically).
/// Real sets: Moving MNIST clips of the test digits (never seen by the FVD-local detector) from two seeds.
/// </summary>
public static class FvdSanity
{
    public sealed record Point(CorruptionKind Kind, double Level, double Fvd);

    public sealed record Report(string Protocol, string Detector, int Clips, double RealVsReal, IReadOnlyList<Point> Points, double Seconds)
    {
        public bool Monotonic(CorruptionKind kind)
        {
            var p = Points.Where(x => x.Kind == kind).OrderBy(x => x.Level).Select(x => x.Fvd).ToList();
            return p.Zip(p.Skip(1)).All(t => t.Second > t.First);
        }

        public string Format()
        {
            var sb = new StringBuilder();
            sb.AppendLine($"{Protocol} sanity (detector {Detector}; {Clips} vs {Clips} Moving MNIST clips of test digits; {Seconds:F0} s)");
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  real vs real (disjoint sets): {RealVsReal:F3}"));
            foreach (var kind in Enum.GetValues<CorruptionKind>())
            {
                var pts = Points.Where(x => x.Kind == kind).OrderBy(x => x.Level);
                sb.AppendLine($"  {VideoCorruptions.Unit(kind),-28} " + string.Join("  ", pts.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Level:G3}: {x.Fvd:F2}")))
                              + (Monotonic(kind) ? "   monotonic: yes" : "   monotonic: NO"));
            }
            return sb.ToString();
        }
    }

    public static Report Run(IVideoDetector detector, MovingMnistConfig config, int clips = 256, int batch = 32, long seed = 0)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cfg = config with { Split = MnistSplit.Test };
        var setA = new MovingMnist(cfg, clips, seed: MovingMnist.EvaluationSeed + seed);
        var setB = new MovingMnist(cfg, clips, seed: 60_000 + seed);
        var realA = FrechetVideoDistance.Stats(detector, FrechetVideoDistance.Batches(setA, clips, batch));
        using var videosB = cat(FrechetVideoDistance.Batches(setB, clips, batch).ToList(), 0);
        var points = new List<Point>();
        double realVsReal = double.NaN;
        foreach (var kind in Enum.GetValues<CorruptionKind>())
            foreach (var level in VideoCorruptions.Levels(kind))
            {
                double fvd;
                if (level == 0 && !double.IsNaN(realVsReal)) fvd = realVsReal;
                else
                {
                    using var corrupted = VideoCorruptions.Apply(videosB, kind, level, seed: 7 + (long)(level * 1000));
                    var stats = FrechetVideoDistance.Stats(detector, FrechetVideoDistance.Batches(corrupted, batch));
                    fvd = FrechetDistance.Compute(realA, stats);
                    if (level == 0) realVsReal = fvd;
                }
                points.Add(new Point(kind, level, fvd));
            }
        return new Report(detector.Protocol, detector.DetectorName, clips, realVsReal, points, clock.Elapsed.TotalSeconds);
    }
}
