using System.Globalization;
using System.Text;
using Cmd.Data;
using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using static TorchSharp.torch;
using PChart = Plotly.NET.CSharp.Chart;
using Cmd.Metrics.Fvd;
using Cmd.Metrics;

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

    /// <summary>Writes the curve as CSV and as an offline Plotly chart (plotly.js inlined): returns the HTML path.</summary>
    public static string Write(Report r, string directory, string name = "fvd-local-sanity")
    {
        Directory.CreateDirectory(directory);
        var csv = new StringBuilder("kind,level,fvd\n");
        foreach (var p in r.Points) csv.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{p.Kind.ToString().ToLowerInvariant()},{p.Level},{p.Fvd:R}"));
        File.WriteAllText(Path.Combine(directory, name + ".csv"), csv.ToString());

        var charts = Enum.GetValues<CorruptionKind>().Select(kind =>
        {
            var pts = r.Points.Where(p => p.Kind == kind).OrderBy(p => p.Level).ToList();
            return PChart.Line<double, double, string>(pts.Select(p => p.Level), pts.Select(p => p.Fvd),
                    Name: kind.ToString().ToLowerInvariant(), ShowMarkers: true)
                .WithXAxisStyle<double, double, string>(TitleText: VideoCorruptions.Unit(kind))
                .WithYAxisStyle<double, double, string>(TitleText: r.Protocol);
        }).ToList();
        string title = string.Create(CultureInfo.InvariantCulture,
            $"{r.Protocol} sanity: detector {r.Detector}, {r.Clips} vs {r.Clips} clips; real vs real = {r.RealVsReal:F3}");
        var chart = PChart.Grid(charts, 1, 3).WithSize(1200, 450);
        chart = Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
        var options = DisplayOptions.init(null, null, null, null, null, null, FSharpOption<PlotlyJSReference>.Some(PlotlyJSReference.Full)); // None = null;
        chart = GenericChart.setDisplayOptions(options, chart);
        string html = Path.Combine(directory, name + ".html");
        File.WriteAllText(html, GenericChart.toEmbeddedHTML(chart));
        return html;
    }
}
