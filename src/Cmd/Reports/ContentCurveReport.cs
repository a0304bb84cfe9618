using System.Globalization;
using System.Text;
using Cmd.Evaluation;
using Plotly.NET;
using Plotly.NET.CSharp;
using static TorchSharp.torch;
using PChart = Plotly.NET.CSharp.Chart;

namespace Cmd.Reports;

/// <summary>
/// `workbench eval content-curve`: content frames against training step (<see cref="ContentCurve"/>) as
/// content-curve.csv, a Markdown table, each point's frames as a PNG (a row per class), and a chart (HTML, and PNG
/// where Chromium draws it) with the lines it is read against: the reference model and the real content frames.
/// </summary>
public static class ContentCurveReport
{
    static readonly CultureInfo Ic = CultureInfo.InvariantCulture;
    const string StillHeader = "step,snapshot,class accuracy %,real class accuracy %,FVD-local,floor,ratio";
    const string Header = StillHeader + ",videos' class accuracy %,videos' FVD-local,videos' floor,videos' ratio";

    /// <summary>One point as the chart reads it; <paramref name="Step"/> null for the reference model; the videos'
    /// scores NaN where the curve drew no full videos.</summary>
    public sealed record Row(long? Step, string Path, double Accuracy, double RealAccuracy, double Fvd, double Floor,
        double VideoAccuracy = double.NaN, double VideoFvd = double.NaN, double VideoFloor = double.NaN)
    {
        public double Ratio => Fvd / Floor;
        public double VideoRatio => VideoFvd / VideoFloor;
        public bool HasVideos => !double.IsNaN(VideoFvd);
    }

    public static Row RowOf(ContentCurve.Point p) => new(p.Step, p.Path, 100 * p.Score.ClassAccuracy,
        100 * p.Score.RealClassAccuracy, p.Score.Fvd?.Value ?? double.NaN, p.Score.Floor?.Value ?? double.NaN,
        100 * (p.Full?.ClassAccuracy ?? double.NaN), p.Full?.Fvd.Value ?? double.NaN,
        p.Full?.Floor.Value ?? double.NaN);

    /// <summary>A point's frames ([classes x perClass, C, H, W], class by class) as a PNG, a row per class.</summary>
    public static void SaveFrames(Tensor frames, int perClass, string path)
    {
        var rows = Enumerable.Range(0, (int)frames.shape[0] / perClass)
            .Select(c => frames[(c * perClass)..((c + 1) * perClass)]).ToList();
        using var grid = Cmd.Viz.VideoViews.Rows(rows, scale: 1);
        Cmd.Viz.VideoViews.SavePng(grid, path);
        foreach (var r in rows) r.Dispose();
    }

    /// <summary>The file name of a point's frames in the output folder.</summary>
    public static string FramesName(long? step) => step is { } s ? $"content-{s}.png" : "content-reference.png";

    /// <summary>Writes the table and the chart into <paramref name="directory"/>; returns the paths written.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<Row> rows, string directory, Action<string>? warn = null)
    {
        if (!rows.Any(r => r.Step is not null)) throw new ArgumentException("no snapshot points to write");
        Directory.CreateDirectory(directory);
        var csv = Path.Combine(directory, "content-curve.csv");
        File.WriteAllText(csv, Csv(rows));
        return [csv, .. WriteTableAndChart(rows, directory, warn)];
    }

    /// <summary>The table and the chart again from <paramref name="directory"/>'s content-curve.csv, without scoring.
    /// </summary>
    public static IReadOnlyList<string> Replot(string directory, Action<string>? warn = null) =>
        WriteTableAndChart(ReadCsv(Path.Combine(directory, "content-curve.csv")), directory, warn);

    static IReadOnlyList<string> WriteTableAndChart(IReadOnlyList<Row> rows, string directory, Action<string>? warn)
    {
        var md = Path.Combine(directory, "content-curve.md");
        File.WriteAllText(md, Markdown(rows));
        var chart = Chart(rows);
        var html = Path.Combine(directory, "content-curve.html");
        ChartFiles.SavePage(html, "Content frames against training step", [chart]);
        var png = Path.Combine(directory, "content-curve.png");
        return ChartFiles.SavePng(chart, png, 900, 900, warn) ? [md, html, png] : [md, html];
    }

    /// <summary>A row per point, the reference (step "reference") last.</summary>
    public static string Csv(IReadOnlyList<Row> rows)
    {
        var sb = new StringBuilder(Header + "\n");
        foreach (var r in rows.OrderBy(r => r.Step is null).ThenBy(r => r.Step))
            sb.AppendLine(string.Join(",", [r.Step?.ToString(Ic) ?? "reference", $"\"{r.Path}\"",
                CsvFields.Format(r.Accuracy), CsvFields.Format(r.RealAccuracy), CsvFields.Format(r.Fvd),
                CsvFields.Format(r.Floor), CsvFields.Format(r.Ratio), CsvFields.Format(r.VideoAccuracy),
                CsvFields.Format(r.VideoFvd), CsvFields.Format(r.VideoFloor), CsvFields.Format(r.VideoRatio)]));
        return sb.ToString();
    }

    /// <summary>The rows of a content-curve.csv <see cref="Csv"/> wrote (also one from before the videos' columns);
    /// a file of another shape is a clear error.</summary>
    public static IReadOnlyList<Row> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        if (lines.Count < 2 || lines[0] != Header && lines[0] != StillHeader)
            throw new FormatException(
                $"{path}: not a content-curve.csv (want the header {Header} and a row per point)");
        var header = lines[0].Split(',');
        return lines.Skip(1).Select((line, i) =>
        {
            var f = CsvFields.Split(line);
            if (f.Count != header.Length)
                throw new FormatException($"{path}: row {i + 2} has {f.Count} fields, the header {header.Length}");
            double D(int k) => f[k].Length == 0 ? double.NaN : CsvFields.Number(path, i + 2, header[k], f[k]);
            long? step = f[0] == "reference" ? null : long.TryParse(f[0], NumberStyles.Integer, Ic, out var s) ? s
                : throw new FormatException($"{path}: row {i + 2}: step '{f[0]}' is neither a whole number nor " +
                                            "'reference'");
            return f.Count == 7 ? new Row(step, f[1], D(2), D(3), D(4), D(5))
                : new Row(step, f[1], D(2), D(3), D(4), D(5), D(7), D(8), D(9));
        }).ToList();
    }

    /// <summary>A table a results page can take as it is.</summary>
    public static string Markdown(IReadOnlyList<Row> rows)
    {
        var first = rows[0];
        var sb = new StringBuilder(string.Create(Ic, $"Content frames as still clips: FVD-local against as many " +
            $"held-out real content frames, over the real-vs-real floor ({first.Floor:F1}); the detector reads " +
            $"{first.RealAccuracy:F1}% of real content frames as their class.\n\n"));
        var v = rows.FirstOrDefault(r => r.HasVideos);
        bool videos = v is not null;
        if (v is not null)
            sb.Append(string.Create(Ic, $"Full videos (the same classes, through the motion DiT and the " +
                $"decoder): FVD-local against as many held-out real clips, over their real-vs-real floor " +
                $"({v.VideoFloor:F1}).\n\n"));
        sb.AppendLine("| step | class accuracy | FVD-local | ratio |" +
                      (videos ? " videos' class accuracy | videos' FVD-local | videos' ratio |" : ""));
        sb.AppendLine(videos ? "|---:|---:|---:|---:|---:|---:|---:|" : "|---:|---:|---:|---:|");
        foreach (var r in rows.OrderBy(r => r.Step is null).ThenBy(r => r.Step))
            sb.AppendLine(string.Create(Ic,
                $"| {(r.Step is { } s ? s.ToString("N0", Ic) : "reference: " + Path.GetFileName(r.Path))} | " +
                $"{r.Accuracy:F1}% | {r.Fvd:F1} | {r.Ratio:F2}x |") + (videos ? VideoCells(r) : ""));
        return sb.ToString();
    }

    static string VideoCells(Row r) => r.HasVideos
        ? string.Create(Ic, $" {r.VideoAccuracy:F1}% | {r.VideoFvd:F1} | {r.VideoRatio:F2}x |") : " | | |";

    /// <summary>The ratio (log axis) above and class accuracy below, against step, the reference and the real frames
    /// as flat lines.</summary>
    public static GenericChart Chart(IReadOnlyList<Row> rows)
    {
        var points = rows.Where(r => r.Step is not null).OrderBy(r => r.Step).ToList();
        if (points.Count == 0) throw new ArgumentException("no snapshot points to chart");
        var reference = rows.FirstOrDefault(r => r.Step is null);
        var steps = points.Select(r => r.Step!.Value).ToList();
        GenericChart Flat(string name, double value, string unit) => PChart.Line<long, double, string>(
            [steps[0], steps[^1]], [value, value],
            Name: $"{name} ({value.ToString(unit == "%" ? "F1" : "F2", Ic)}{unit})",
            LineDash: StyleParam.DrawingStyle.Dash);
        var ratio = new List<GenericChart>
        {
            PChart.Line<long, double, string>(steps, points.Select(r => r.Ratio),
                Name: "still clips: FVD-local / floor", ShowMarkers: true),
        };
        var accuracy = new List<GenericChart>
        {
            PChart.Line<long, double, string>(steps, points.Select(r => r.Accuracy),
                Name: "still clips: class accuracy, %", ShowMarkers: true),
            Flat("real content frames", points[0].RealAccuracy, "%"),
        };
        if (reference is not null)
        {
            ratio.Add(Flat("reference " + Path.GetFileName(reference.Path), reference.Ratio, "x"));
            accuracy.Add(Flat("reference " + Path.GetFileName(reference.Path), reference.Accuracy, "%"));
        }
        if (points.Any(r => r.HasVideos))
        {
            ratio.Add(PChart.Line<long, double, string>(steps, points.Select(r => r.VideoRatio),
                Name: "full videos: FVD-local / floor", ShowMarkers: true));
            accuracy.Add(PChart.Line<long, double, string>(steps, points.Select(r => r.VideoAccuracy),
                Name: "full videos: class accuracy, %", ShowMarkers: true));
            if (reference is { HasVideos: true })
            {
                ratio.Add(Flat("full videos, reference", reference.VideoRatio, "x"));
                accuracy.Add(Flat("full videos, reference", reference.VideoAccuracy, "%"));
            }
        }
        var top = PChart.Combine(ratio)
            .WithXAxisStyle<long, long, string>(TitleText: "content DiT training step")
            .WithYAxisStyle<double, double, string>(TitleText: "FVD-local / real-vs-real floor (log)",
                AxisType: StyleParam.AxisType.Log);
        var bottom = PChart.Combine(accuracy)
            .WithXAxisStyle<long, long, string>(TitleText: "content DiT training step")
            .WithYAxisStyle<double, double, string>(TitleText: "class accuracy, %");
        return Plotly.NET.Chart.withTitle("Content frames against training step", null)
            .Invoke(PChart.Grid([top, bottom], 2, 1).WithSize(900, 900));
    }
}
