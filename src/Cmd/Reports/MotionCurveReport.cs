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

    /// <summary>One point as the chart reads it, from scores or back from motion-curve.csv.</summary>
    /// <param name="Slow">Shares of digits slower than the real z's 5th percentile and faster than their 95th, in %,
    /// mean over seeds (keypoint z; NaN otherwise).</param>
    /// <param name="Floor">The real-vs-real FVD-local the ratios divide by.</param>
    public sealed record Row(long Step, IReadOnlyList<(string Seed, double Ratio)> Seeds, double Mean,
        double Reconstruction, double OtherClip, double Floor, double Slow = double.NaN, double Fast = double.NaN);

    /// <summary>Writes the table and the chart into <paramref name="directory"/>; returns the paths written.</summary>
    /// <param name="target">The ratio the chart draws as the target (issue 14: 2x).</param>
    public static IReadOnlyList<string> Write(IReadOnlyList<MotionCurve.Point> points, string directory, double target,
        Action<string>? warn = null)
    {
        if (points.Count == 0) throw new ArgumentException("no points to write");
        Directory.CreateDirectory(directory);
        var written = new List<string>
            { Path.Combine(directory, "motion-curve.csv"), Path.Combine(directory, "motion-curve.md") };
        var rows = Rows(points);
        File.WriteAllText(written[0], Csv(points, rows));
        File.WriteAllText(written[1], Markdown(rows));
        return [.. written, .. WriteChart(rows, directory, target, warn)];
    }

    /// <summary>The table and the chart again from <paramref name="directory"/>'s motion-curve.csv, without scoring
    /// (another target, or the rows of two calls on the same clips and seeds put into one file).</summary>
    public static IReadOnlyList<string> Replot(string directory, double target, Action<string>? warn = null)
    {
        var rows = ReadCsv(Path.Combine(directory, "motion-curve.csv"));
        var md = Path.Combine(directory, "motion-curve.md");
        File.WriteAllText(md, Markdown(rows));
        return [md, .. WriteChart(rows, directory, target, warn)];
    }

    /// <summary>motion-curve.html, and .png where Chromium draws it.</summary>
    static IReadOnlyList<string> WriteChart(IReadOnlyList<Row> rows, string directory, double target,
        Action<string>? warn = null)
    {
        var chart = Chart(rows, target);
        var html = Path.Combine(directory, "motion-curve.html");
        ChartFiles.SavePage(html, "Motion prediction against training step", [chart]);
        var png = Path.Combine(directory, "motion-curve.png");
        int height = rows.Any(r => !double.IsNaN(r.Slow)) ? 900 : 520;
        return ChartFiles.SavePng(chart, png, 900, height, warn) ? [html, png] : [html];
    }

    public static IReadOnlyList<Row> Rows(IReadOnlyList<MotionCurve.Point> points) =>
        points.Select(p =>
        {
            var traj = p.Score.BySeed.Where(s => s.Trajectories is not null).Select(s => s.Trajectories!).ToList();
            double Share(Func<KeypointTrajectories.Stats, double> f) =>
                traj.Count == 0 ? double.NaN : 100 * traj.Average(f);
            return new Row(p.Step, p.Score.BySeed.Select(s => ($"seed {s.Seed}", s.Ratio)).ToList(),
                p.Score.MeanMotionPredictionRatio, p.Score.ReconstructionRatio, p.Score.OtherClipMotionRatio,
                p.Score.Floor.Value, Share(t => t.Slow), Share(t => t.Fast));
        }).ToList();

    /// <summary>The rows of a motion-curve.csv <see cref="Csv"/> wrote; a file of another shape is a clear
    /// error.</summary>
    public static IReadOnlyList<Row> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        var header = lines.Count > 0 ? lines[0].Split(',') : [];
        int mean = Array.IndexOf(header, "mean"), recon = Array.IndexOf(header, "reconstruction"),
            other = Array.IndexOf(header, "another clip's real z"), slow = Array.IndexOf(header, "slow digits %"),
            fast = Array.IndexOf(header, "fast digits %"), floor = Array.IndexOf(header, "floor");
        if (lines.Count < 2 || header[0] != "step" || mean < 3 || recon < 0 || other < 0 || floor < 0)
            throw new FormatException($"{path}: not a motion-curve.csv (want a header step,snapshot,seed ...," +
                "mean,... and a row per snapshot)");
        return lines.Skip(1).Select((line, i) =>
        {
            var f = CsvFields.Split(line);
            if (f.Count != header.Length)
                throw new FormatException($"{path}: row {i + 2} has {f.Count} fields, the header {header.Length}");
            double D(int k) => CsvFields.Number(path, i + 2, header[k], f[k]);
            long step = long.TryParse(f[0], NumberStyles.Integer, Ic, out var st) ? st
                : throw new FormatException($"{path}: row {i + 2}: step '{f[0]}' is not a whole number");
            double Share(int k) => k < 0 || f[k].Length == 0 ? double.NaN : D(k);
            var seeds = Enumerable.Range(2, mean - 2).Select(k => (header[k], D(k))).ToList();
            return new Row(step, seeds, D(mean), D(recon), D(other), D(floor), Share(slow), Share(fast));
        }).ToList();
    }

    /// <summary>step, snapshot, each seed's ratio, their mean, slow and fast digits (keypoint z), the
    /// references.</summary>
    public static string Csv(IReadOnlyList<MotionCurve.Point> points) => Csv(points, Rows(points));

    static string Csv(IReadOnlyList<MotionCurve.Point> points, IReadOnlyList<Row> rows)
    {
        var sb = new StringBuilder("step,snapshot," + string.Join(",", rows[0].Seeds.Select(s => s.Seed)) +
            ",mean,slow digits %,fast digits %,reconstruction,another clip's real z,floor\n");
        foreach (var (p, r) in points.Zip(rows))
            sb.AppendLine(string.Join(",", [r.Step.ToString(Ic), $"\"{p.Path}\"", .. r.Seeds.Select(s => R(s.Ratio)),
                R(r.Mean), R(r.Slow), R(r.Fast), R(r.Reconstruction), R(r.OtherClip), R(r.Floor)]));
        return sb.ToString();
    }

    static string R(double v) => CsvFields.Format(v);

    /// <summary>A table a results page can take as it is.</summary>
    public static string Markdown(IReadOnlyList<Row> rows)
    {
        var sb = new StringBuilder(string.Create(Ic, $"Motion prediction from real content frames over the " +
            $"real-vs-real floor ({rows[0].Floor:F1}): reconstruction {rows[0].Reconstruction:F2}x, another clip's " +
            $"real z {rows[0].OtherClip:F2}x.\n\n"));
        sb.AppendLine("| step | " + string.Join(" | ", rows[0].Seeds.Select(s => s.Seed)) +
            " | mean | slow digits | fast digits |");
        sb.AppendLine("|---:|" + string.Concat(rows[0].Seeds.Select(_ => "---:|")) + "---:|---:|---:|");
        static string Share(double v) => double.IsNaN(v) ? "" : string.Create(Ic, $"{v:F1}%");
        foreach (var r in rows)
            sb.AppendLine(string.Create(Ic, $"| {r.Step:N0} | ") +
                string.Join(" | ", r.Seeds.Select(s => s.Ratio.ToString("F2", Ic) + "x")) +
                string.Create(Ic, $" | {r.Mean:F2}x | {Share(r.Slow)} | {Share(r.Fast)} |"));
        return sb.ToString();
    }

    /// <summary>Each seed as dots, their mean as a line, and flat lines for the target and the references, on a log
    /// axis.</summary>
    public static GenericChart Chart(IReadOnlyList<Row> rows, double target)
    {
        if (rows.Count == 0) throw new ArgumentException("no points to chart");
        var steps = rows.Select(r => r.Step).ToList();
        var traces = new List<GenericChart>
        {
            PChart.Line<long, double, string>(steps, rows.Select(r => r.Mean),
                Name: "motion prediction, mean over seeds", ShowMarkers: true),
        };
        foreach (var (seed, _) in rows[0].Seeds)
            traces.Add(PChart.Point<long, double, string>(steps,
                rows.Select(r => r.Seeds.First(s => s.Seed == seed).Ratio), Name: seed));
        foreach (var (name, value) in new[] { ($"target {target:G3}x", target),
                     ("another clip's real z", rows[0].OtherClip), ("reconstruction", rows[0].Reconstruction) })
            traces.Add(PChart.Line<long, double, string>([steps[0], steps[^1]], [value, value],
                Name: string.Create(Ic, $"{name} ({value:F2}x)"), LineDash: StyleParam.DrawingStyle.Dash));
        var chart = PChart.Combine(traces)
            .WithXAxisStyle<long, long, string>(TitleText: "motion DiT training step")
            .WithYAxisStyle<double, double, string>(TitleText: "FVD-local / real-vs-real floor (log)",
                AxisType: StyleParam.AxisType.Log)   // an early EMA scores tens of x, the targets 1-3x
            .WithSize(900, 520);
        if (rows.Any(r => !double.IsNaN(r.Slow))) chart = PChart.Grid([chart, Speeds(rows)], 2, 1).WithSize(900, 900);
        return Plotly.NET.Chart.withTitle("Motion prediction from real content frames against training step", null)
            .Invoke(chart);
    }

    /// <summary>Slow and fast digits against step, beside the 5% each the real z have by definition.</summary>
    static GenericChart Speeds(IReadOnlyList<Row> rows)
    {
        var steps = rows.Select(r => r.Step).ToList();
        return PChart.Combine(
            [
                PChart.Line<long, double, string>(steps, rows.Select(r => r.Slow),
                    Name: "digits slower than real's 5th percentile, %", ShowMarkers: true),
                PChart.Line<long, double, string>(steps, rows.Select(r => r.Fast),
                    Name: "digits faster than real's 95th percentile, %", ShowMarkers: true),
                PChart.Line<long, double, string>([steps[0], steps[^1]], [5.0, 5.0], Name: "real z (5% each)",
                    LineDash: StyleParam.DrawingStyle.Dash),
            ])
            .WithXAxisStyle<long, long, string>(TitleText: "motion DiT training step")
            .WithYAxisStyle<double, double, string>(TitleText: "% of digits");
    }
}
