using System.Globalization;
using System.Text;
using Cmd.Reports;
using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using PChart = Plotly.NET.CSharp.Chart;

namespace Cmd.Studies;

/// <summary>
/// `workbench sweep collect`: the study's page, results/&lt;study&gt;/README.md: the paper's table beside ours as mean ±
/// std over seeds (n shown), each ordering the paper reports marked holds / does not hold with its per-seed agreement
/// and a paired test, every metric per variant, the charts (charts.html with plotly.js inlined, one PNG per chart drawn
/// by headless Chromium), the content frames the cells drew, how to regenerate it and where it ran; cells.csv holds every
/// cell.
/// </summary>
public static class StudyReport
{
    public sealed record Written(string Readme, string Csv, IReadOnlyList<string> Charts, int Done, int Cells);

    public static Written Write(StudyPlan plan, CellCommand command, Action<string> log)
    {
        var s = plan.Study;
        var dir = plan.ResultsDirectory;
        Directory.CreateDirectory(dir);
        var rows = StudyStatus.Of(plan);
        var done = rows.Where(r => r.Result is not null).ToList();
        var csv = WriteCsv(plan, rows, Path.Combine(dir, "cells.csv"));
        var charts = Charts(plan, done);
        var chartFiles = new List<string>();
        if (charts.Count > 0)
        {
            ChartFiles.SavePage(Path.Combine(dir, "charts.html"), s.Title, charts.Select(c => c.Chart));
            chartFiles.Add(Path.Combine(dir, "charts.html"));
            foreach (var (name, chart, _) in charts)
            {
                var png = Path.Combine(dir, $"chart-{name}.png");
                if (ChartFiles.SavePng(chart, png, 900, 520, log)) chartFiles.Add(png);
                else if (File.Exists(png)) File.Delete(png);
            }
        }
        var readme = Path.Combine(dir, "README.md");
        File.WriteAllText(readme, Page(plan, command, rows, charts.Select(c => (c.Name, c.Caption)).ToList()));
        return new Written(readme, csv, chartFiles, done.Count, rows.Count);
    }

    /// <summary>Values of a metric of a variant, by seed, from the done cells.</summary>
    static Dictionary<int, double> Values(IEnumerable<StudyStatus.Row> done, string variant, string metric) =>
        done.Where(r => r.Cell.Variant == variant && r.Result!.Metrics.ContainsKey(metric))
            .ToDictionary(r => r.Cell.Seed, r => r.Result!.Metrics[metric]);

    static string Page(StudyPlan plan, CellCommand command, IReadOnlyList<StudyStatus.Row> rows, IReadOnlyList<(string Name, string Caption)> charts)
    {
        var s = plan.Study;
        var full = Path.GetFullPath(command.Study);
        if (full.StartsWith(plan.BaseDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            command = command with { Study = Path.GetRelativePath(plan.BaseDirectory, full) }; // as typed from the checkout root
        var done = rows.Where(r => r.Result is not null).ToList();
        var md = new StringBuilder();
        md.AppendLine($"# {(s.Title.Length > 0 ? s.Title : s.Name)}").AppendLine();
        if (s.Paper is { } paper) md.AppendLine($"The paper's {paper.Source} beside ours on {DatasetText(s.Dataset)} at the `{s.Preset}` preset, " +
            $"{s.Seeds.Length} seeds per cell; ours are mean ± standard deviation over seeds (n = seeds measured).").AppendLine();
        foreach (var note in s.Notes) md.AppendLine(note).AppendLine();
        md.AppendLine(done.Count == rows.Count ? $"All {rows.Count} cells are done." :
            $"**Incomplete: {done.Count} of {rows.Count} cells are done** ({StudyStatus.Summary(rows)}); the missing cells are listed at the end.").AppendLine();

        if (s.Paper is { Rows.Length: > 0 } p)
        {
            md.AppendLine($"| {p.Source.Split(',')[0]} | paper {p.Value} | ours | metric |").AppendLine("|---|---|---|---|");
            foreach (var r in p.Rows)
                md.AppendLine($"| {r.Label} | {(r.Paper is double v ? SeedStatistics.Format(v) : "")} | " +
                    $"{SeedStatistics.Of(Values(done, r.Variant, r.Metric).Values)} | {Label(s, r.Metric)} |");
            md.AppendLine();
            if (p.Orderings.Length > 0)
            {
                md.AppendLine("## The paper's orderings, here").AppendLine();
                md.AppendLine("| ordering | ours (means) | per seed | test | verdict |").AppendLine("|---|---|---|---|---|");
                foreach (var o in Orderings(s, done))
                    md.AppendLine($"| {o.Text} | {SeedStatistics.Format(o.Less.Mean)} vs {SeedStatistics.Format(o.Greater.Mean)} | {o.SeedAgreement} | " +
                        $"{o.Test} | **{o.Verdict}** |");
                md.AppendLine();
            }
        }

        md.AppendLine("## Every metric per variant").AppendLine();
        md.AppendLine("| variant | " + string.Join(" | ", s.Metrics.Select(m => Label(s, m))) + " |");
        md.AppendLine("|---|" + string.Concat(s.Metrics.Select(_ => "---|")));
        foreach (var v in StudyPlan.VariantNames(s))
            md.AppendLine($"| {v} | " + string.Join(" | ", s.Metrics.Select(m => SeedStatistics.Of(Values(done, v, m).Values).ToString())) + " |");
        md.AppendLine();

        if (charts.Count > 0)
        {
            md.AppendLine("## Charts").AppendLine();
            md.AppendLine("Bars are means over seeds with ± one standard deviation; dots are the seeds. Interactive: [charts.html](charts.html) " +
                "(plotly.js inlined, opens offline).").AppendLine();
            foreach (var (name, caption) in charts)
                md.AppendLine(File.Exists(Path.Combine(plan.ResultsDirectory, $"chart-{name}.png"))
                    ? $"![{caption}](chart-{name}.png)" : $"- {caption}: in charts.html (no PNG: Chromium was not available)").AppendLine();
        }

        var pictures = done.GroupBy(r => r.Cell.Variant).Select(g => g.OrderBy(r => r.Cell.Seed).First())
            .Where(r => r.Result!.Artefacts.Contains("content-frames.png")).ToList();
        if (pictures.Count > 0)
        {
            md.AppendLine("## Content frames").AppendLine();
            md.AppendLine("Held-out clips of each variant (its first seed): the content frame x̄ first, then the clip's frames.").AppendLine();
            foreach (var r in pictures)
                md.AppendLine($"**{r.Cell.Variant}** (seed {r.Cell.Seed})").AppendLine().AppendLine($"![{r.Cell.Variant}](cells/{r.Cell.Key}/content-frames.png)").AppendLine();
        }

        md.AppendLine("## How it was made").AppendLine();
        md.AppendLine("Regenerate (from the checkout root; finished cells are kept, so this runs only what is missing):").AppendLine();
        md.AppendLine("```").AppendLine(command.RunLine("local")).AppendLine(command.CollectLine()).AppendLine("```").AppendLine();
        md.AppendLine($"or on a Slurm cluster `{command.RunLine("slurm")}` (it collects by itself when every cell has succeeded).").AppendLine();
        var first = plan.Cells[0].Config;
        md.AppendLine($"- study: `{command.Study}` ({s.Kind}), {plan.Cells.Count} cells = {StudyPlan.VariantNames(s).Count} variants x seeds {string.Join(", ", s.Seeds)}");
        md.AppendLine($"- dataset: {DatasetText(s.Dataset)}; preset `{s.Preset}`; clips {first.Autoencoder.Frames} x {first.Autoencoder.Channels} x " +
            $"{first.Autoencoder.Height} x {first.Autoencoder.Width}");
        md.AppendLine($"- steps: {StepsText(first)}; {first.EvaluationClips} held-out clips per evaluation" +
            (first.Pairs > 0 ? $"; {first.Pairs} training pairs" : "") +
            (first.MotionSamplingSteps > 0 ? $"; DDIM {(first.ContentSamplingSteps > 0 ? $"{first.ContentSamplingSteps} (content, CFG {first.CfgScale}) / " : "")}{first.MotionSamplingSteps} (motion)" : ""));
        md.AppendLine($"- detector: {(first.Detector == "none" ? "none (no FVD metric)" : first.Detector)} " +
            "(FVD-local: the workbench's Moving MNIST detector, not I3D: compare orderings with the paper, not values)");
        md.AppendLine($"- autoencoder: {first.AutoencoderSource switch { "cell" => "trained in each cell", var a when a.StartsWith("weights") => $"`{s.Autoencoder}` ({a})", var a => $"trained once for the study, seed 0 ({a})" }}");
        if (done.Count > 0)
        {
            var seconds = done.Sum(r => r.Result!.Seconds);
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"- wall time: {Duration(seconds)} of cell time over {done.Count} cells (median cell {Duration(Median(done.Select(r => r.Result!.Seconds)))}); " +
                $"first cell started {done.Min(r => r.Result!.Started):yyyy-MM-dd HH:mm zzz}, last finished {done.Max(r => r.Result!.Finished):yyyy-MM-dd HH:mm zzz}"));
            foreach (var g in done.GroupBy(r => $"{r.Result!.Machine}; {r.Result.Device}, {r.Result.Threads} threads"))
                md.AppendLine($"- machine: {g.Key} ({g.Count()} cells)");
        }
        md.AppendLine($"- every cell: [cells.csv](cells.csv); each done marker (metrics, resolved config, machine) in `cells/<key>/done.json`");
        var missing = rows.Where(r => r.Result is null).ToList();
        if (missing.Count > 0)
        {
            md.AppendLine().AppendLine("## Missing cells").AppendLine();
            foreach (var r in missing) md.AppendLine($"- cell {r.Cell.Index}: {r.Cell.Label} ({r.State}; key {r.Cell.Key})");
        }
        return md.ToString();
    }

    public static IReadOnlyList<SeedStatistics.Ordering> Orderings(Study s, IReadOnlyList<StudyStatus.Row> done)
    {
        if (s.Paper is not { } p) return [];
        var byLabel = p.Rows.ToDictionary(r => r.Label);
        return p.Orderings.Select(o =>
        {
            var less = byLabel[o.Less]; var greater = byLabel[o.Greater];
            return SeedStatistics.Compare(o.Text ?? $"{o.Less} < {o.Greater}",
                Values(done, less.Variant, less.Metric), Values(done, greater.Variant, greater.Metric));
        }).ToList();
    }

    static string WriteCsv(StudyPlan plan, IReadOnlyList<StudyStatus.Row> rows, string path)
    {
        var metrics = plan.Study.Metrics;
        var sb = new StringBuilder("index,key,variant,seed,state," + string.Join(",", metrics) + ",seconds,started,finished,machine,device,threads\n");
        foreach (var r in rows)
        {
            var m = r.Result?.Metrics;
            sb.Append(string.Join(",", new[]
            {
                r.Cell.Index.ToString(CultureInfo.InvariantCulture), r.Cell.Key, Csv(r.Cell.Variant), r.Cell.Seed.ToString(CultureInfo.InvariantCulture), r.State,
            }.Concat(metrics.Select(k => m is not null && m.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : ""))
             .Concat(r.Result is { } c
                ? [c.Seconds.ToString("F1", CultureInfo.InvariantCulture), c.Started.ToString("o"), c.Finished.ToString("o"), Csv(c.Machine), c.Device,
                   c.Threads.ToString(CultureInfo.InvariantCulture)]
                : ["", "", "", "", "", ""])));
            sb.Append('\n');
        }
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary>The paper's rows (one chart), then every other metric over the variants.</summary>
    static List<(string Name, GenericChart Chart, string Caption)> Charts(StudyPlan plan, IReadOnlyList<StudyStatus.Row> done)
    {
        var s = plan.Study;
        var charts = new List<(string, GenericChart, string)>();
        if (done.Count == 0) return charts;
        var covered = new HashSet<string>();
        if (s.Paper is { Rows.Length: > 0 } p)
        {
            var metrics = p.Rows.Select(r => r.Metric).Distinct().ToList();
            covered.UnionWith(metrics);
            var caption = $"{s.Name}: {p.Source.Split(',')[0]} rows, ours ({string.Join(", ", metrics.Select(m => Label(s, m)))})";
            charts.Add(("paper-rows", Bars(p.Rows.Select(r => (r.Label, Values(done, r.Variant, r.Metric))).ToList(), caption,
                metrics.Count == 1 ? Axis(s, metrics[0]) : "value"), caption));
        }
        foreach (var m in s.Metrics.Where(m => !covered.Contains(m)))
        {
            var caption = $"{s.Name}: {Label(s, m)} per variant";
            charts.Add((m.Replace('_', '-'), Bars(StudyPlan.VariantNames(s).Select(v => (v, Values(done, v, m))).ToList(), caption, Axis(s, m)), caption));
        }
        return charts;
    }

    static GenericChart Bars(IReadOnlyList<(string Label, Dictionary<int, double> BySeed)> rows, string title, string axis)
    {
        var labels = rows.Select(r => r.Label).ToList();
        var spreads = rows.Select(r => SeedStatistics.Of(r.BySeed.Values)).ToList();
        var bars = PChart.Column<double, string, string>(spreads.Select(x => double.IsNaN(x.Mean) ? 0 : x.Mean), Keys: labels, Name: "mean over seeds");
        var errors = FSharpOption<IEnumerable<double>>.Some(spreads.Select(x => double.IsNaN(x.Std) ? 0 : x.Std).ToList());
        bars = Plotly.NET.Chart.withYErrorStyle<double, double>(null, null, null, errors, null, null, null, null, null, null, null, null, null)
            .Invoke(bars); // null = F# None
        var seeds = rows.SelectMany(r => r.BySeed.Keys).Distinct().Order().ToList();
        var traces = new List<GenericChart> { bars };
        foreach (var seed in seeds)
        {
            var points = rows.Where(r => r.BySeed.ContainsKey(seed)).ToList();
            traces.Add(PChart.Point<string, double, string>(points.Select(r => r.Label), points.Select(r => r.BySeed[seed]), Name: $"seed {seed}"));
        }
        var chart = PChart.Combine(traces).WithYAxisStyle<double, double, string>(TitleText: axis).WithSize(900, 520);
        return Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
    }

    static string Label(Study s, string metric) => CellMetrics.Get(s.Kind, metric).Label;

    static string Axis(Study s, string metric)
    {
        var m = CellMetrics.Get(s.Kind, metric);
        return $"{m.Label} ({(m.LowerIsBetter ? "lower" : "higher")} is better)";
    }

    static string DatasetText(StudyDataset d) => d.Name switch
    {
        "mmnist" => "Moving MNIST (real MNIST digits; test digits held out)",
        "opencv" => "the opencv-doc videos (vtest, Megamind, ...)",
        var n => $"{n} at `{d.Root}`",
    } + (d.Channels is int c ? $", {c} channel{(c == 1 ? "" : "s")}" : "");

    static string StepsText(CellConfig c) => string.Join(", ", new[]
    {
        c.AutoencoderSource == "cell" || c.AutoencoderSource.StartsWith("shared") ? $"autoencoder {c.AutoencoderSteps:N0}" : null,
        c.ContentSteps > 0 ? $"content DiT {c.ContentSteps:N0}" : null, c.MotionSteps > 0 ? $"motion DiT {c.MotionSteps:N0}" : null,
    }.OfType<string>());

    static string Duration(double seconds) => seconds >= 3600 ? $"{seconds / 3600:F1} h" : seconds >= 60 ? $"{seconds / 60:F1} min" : $"{seconds:F0} s";

    static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    static string Csv(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
