using System.Globalization;
using System.Text;
using Cmd.Evaluation;
using Plotly.NET;
using Plotly.NET.CSharp;
using PChart = Plotly.NET.CSharp.Chart;

namespace Cmd.Reports;

/// <summary>
/// `workbench eval motion-curve`: motion prediction against training step (<see cref="MotionCurve"/>) as
/// motion-curve.csv, a Markdown table, and a chart (HTML, and PNG where Chromium draws it) with the lines it is read
/// against: the target, another clip's real z and the reconstruction.
/// </summary>
public static class MotionCurveReport
{
    static readonly CultureInfo Ic = CultureInfo.InvariantCulture;

    /// <summary>Writes the three files into <paramref name="directory"/>; returns the paths written.</summary>
    /// <param name="target">The ratio the chart draws as the target (issue 14: 2x).</param>
    public static IReadOnlyList<string> Write(IReadOnlyList<MotionCurve.Point> points, string directory, double target,
        Action<string>? warn = null)
    {
        if (points.Count == 0) throw new ArgumentException("no points to write");
        Directory.CreateDirectory(directory);
        var written = new List<string> { Path.Combine(directory, "motion-curve.csv"), Path.Combine(directory, "motion-curve.md") };
        File.WriteAllText(written[0], Csv(points));
        File.WriteAllText(written[1], Markdown(points));
        var chart = Chart(points, target);
        var html = Path.Combine(directory, "motion-curve.html");
        ChartFiles.SavePage(html, "Motion prediction against training step", [chart]);
        written.Add(html);
        var png = Path.Combine(directory, "motion-curve.png");
        if (ChartFiles.SavePng(chart, png, 900, 520, warn)) written.Add(png);
        return written;
    }

    /// <summary>step, snapshot, each seed's ratio, their mean, slow and fast digits (keypoint z), the references.</summary>
    public static string Csv(IReadOnlyList<MotionCurve.Point> points)
    {
        var seeds = points[0].Score.BySeed.Select(s => s.Seed).ToList();
        var sb = new StringBuilder("step,snapshot," + string.Join(",", seeds.Select(s => $"seed {s}")) +
            ",mean,slow digits %,fast digits %,reconstruction,another clip's real z,floor\n");
        foreach (var p in points)
        {
            var r = p.Score;
            var traj = r.BySeed.Where(s => s.Trajectories is not null).Select(s => s.Trajectories!).ToList();
            string Share(Func<KeypointTrajectories.Stats, double> f) => traj.Count == 0 ? "" : (100 * traj.Average(f)).ToString("R", Ic);
            sb.AppendLine(string.Join(",", [p.Step.ToString(Ic), $"\"{p.Path}\"",
                .. r.BySeed.Select(s => s.Ratio.ToString("R", Ic)), r.MeanMotionPredictionRatio.ToString("R", Ic),
                Share(t => t.Slow), Share(t => t.Fast), r.ReconstructionRatio.ToString("R", Ic),
                r.OtherClipMotionRatio.ToString("R", Ic), r.Floor.Value.ToString("R", Ic)]));
        }
        return sb.ToString();
    }

    /// <summary>A table a results page can take as it is.</summary>
    public static string Markdown(IReadOnlyList<MotionCurve.Point> points)
    {
        var first = points[0].Score;
        var sb = new StringBuilder(string.Create(Ic, $"Motion prediction from real content frames over the real-vs-real " +
            $"floor ({first.Count} held-out clips, floor {first.Floor.Value:F1}): reconstruction " +
            $"{first.ReconstructionRatio:F2}x, another clip's real z {first.OtherClipMotionRatio:F2}x.\n\n"));
        sb.AppendLine("| step | " + string.Join(" | ", first.BySeed.Select(s => $"seed {s.Seed}")) +
            " | mean | slow digits | fast digits |");
        sb.AppendLine("|---:|" + string.Concat(first.BySeed.Select(_ => "---:|")) + "---:|---:|---:|");
        foreach (var p in points)
        {
            var traj = p.Score.BySeed.Where(s => s.Trajectories is not null).Select(s => s.Trajectories!).ToList();
            string Share(Func<KeypointTrajectories.Stats, double> f) =>
                traj.Count == 0 ? "" : string.Create(Ic, $"{100 * traj.Average(f):F1}%");
            sb.AppendLine(string.Create(Ic, $"| {p.Step:N0} | ") +
                string.Join(" | ", p.Score.BySeed.Select(s => s.Ratio.ToString("F2", Ic) + "x")) +
                string.Create(Ic, $" | {p.Score.MeanMotionPredictionRatio:F2}x | {Share(t => t.Slow)} | {Share(t => t.Fast)} |"));
        }
        return sb.ToString();
    }

    /// <summary>Each seed as dots, their mean as a line, and flat lines for the target and the references.</summary>
    public static GenericChart Chart(IReadOnlyList<MotionCurve.Point> points, double target)
    {
        var steps = points.Select(p => p.Step).ToList();
        var traces = new List<GenericChart>
        {
            PChart.Line<long, double, string>(steps, points.Select(p => p.Score.MeanMotionPredictionRatio),
                Name: "motion prediction, mean over seeds", ShowMarkers: true),
        };
        foreach (var seed in points[0].Score.BySeed.Select(s => s.Seed))
            traces.Add(PChart.Point<long, double, string>(steps,
                points.Select(p => p.Score.BySeed.First(s => s.Seed == seed).Ratio), Name: $"seed {seed}"));
        var first = points[0].Score;
        foreach (var (name, value) in new[] { ($"target {target:G3}x", target),
                     ("another clip's real z", first.OtherClipMotionRatio), ("reconstruction", first.ReconstructionRatio) })
            traces.Add(PChart.Line<long, double, string>([steps[0], steps[^1]], [value, value],
                Name: string.Create(Ic, $"{name} ({value:F2}x)"), LineDash: StyleParam.DrawingStyle.Dash));
        var chart = PChart.Combine(traces)
            .WithXAxisStyle<long, long, string>(TitleText: "motion DiT training step")
            .WithYAxisStyle<double, double, string>(TitleText: "FVD-local / real-vs-real floor")
            .WithSize(900, 520);
        return Plotly.NET.Chart.withTitle(string.Create(Ic,
            $"Motion prediction from real content frames, {first.Count} held-out clips"), null).Invoke(chart);
    }
}
