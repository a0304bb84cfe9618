using System.Globalization;
using System.Text;
using Cmd.Reports;

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
        var results = StudyResults.Of(plan);
        var csv = WriteCsv(plan, results.Cells, Path.Combine(dir, "cells.csv"));
        var charts = results.Charts();
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
        File.WriteAllText(readme, Page(results, command, charts.Select(c => (c.Name, c.Caption)).ToList()));
        return new Written(readme, csv, chartFiles, results.Done.Count, results.Cells.Count);
    }

    static string Page(StudyResults results, CellCommand command, IReadOnlyList<(string Name, string Caption)> charts)
    {
        var plan = results.Plan;
        var s = plan.Study;
        command = command.ForPage(plan.BaseDirectory);
        var rows = results.Cells;
        var done = results.Done;
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
            foreach (var r in results.PaperRows)
                md.AppendLine($"| {r.Label} | {(r.Paper is double v ? SpreadFormat.Value(v) : "")} | {r.Ours} | {r.Metric.Label} |");
            md.AppendLine();
            if (p.Orderings.Length > 0)
            {
                md.AppendLine("## The paper's orderings, here").AppendLine();
                md.AppendLine("| ordering | ours (means) | per seed | test | verdict |").AppendLine("|---|---|---|---|---|");
                foreach (var o in results.Orderings)
                    md.AppendLine($"| {o.Text} | {SpreadFormat.Value(o.MeansInTextOrder.First)} vs " +
                        $"{SpreadFormat.Value(o.MeansInTextOrder.Second)} | {o.SeedAgreement} | {o.Test} | **{o.Verdict}** |");
                md.AppendLine();
                SeedsToSeparate(md, results);
            }
        }

        md.AppendLine("## Every metric per variant").AppendLine();
        md.AppendLine("| variant | " + string.Join(" | ", results.Metrics.Select(m => m.Label)) + " |");
        md.AppendLine("|---|" + string.Concat(s.Metrics.Select(_ => "---|")));
        foreach (var v in results.Variants)
            md.AppendLine($"| {v} | " + string.Join(" | ", s.Metrics.Select(m => results.Spread(v, m).ToString())) + " |");
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

        var pictures = results.Pictures(AutoencoderCell.ContentFramesFile);
        if (pictures.Count > 0)
        {
            md.AppendLine("## Content frames").AppendLine();
            md.AppendLine("Held-out clips of each variant (its first seed): the content frame x̄ first, then the clip's frames.").AppendLine();
            foreach (var r in pictures)
                md.AppendLine($"**{r.Variant}** (seed {r.Seed})").AppendLine()
                  .AppendLine($"![{r.Variant}]({Path.GetRelativePath(plan.ResultsDirectory, r.Path).Replace('\\', '/')})").AppendLine();
        }

        md.AppendLine("## How it was made").AppendLine();
        md.AppendLine("Regenerate (from the checkout root; finished cells are kept, so this runs only what is missing):").AppendLine();
        md.AppendLine("```").AppendLine(command.RunLine("local")).AppendLine(command.CollectLine()).AppendLine("```").AppendLine();
        md.AppendLine($"or on a Slurm cluster `{command.RunLine("slurm")}` (it collects by itself when every cell has succeeded).").AppendLine();
        md.AppendLine($"`--jobs {LocalBackend.LaptopJobs} --threads {LocalBackend.LaptopThreads}` runs one cell at a time on both cores " +
            "of a 2-core machine (the defaults there); with more cores raise `--threads` (threads in all), or `--jobs` to run " +
            "cells side by side with the threads split between them. The cells' run folders (weights, checkpoints) go to the " +
            "study's runs folder (`runs/studies/<study>` by default) or to `--runs <dir>`; collecting needs only the done markers.").AppendLine();
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
                $"- wall time: {Duration(seconds)} of cell time over {done.Count} cells{LastRunOnly(done.Count(r => r.Result!.Runs == 0))} " +
                $"(median cell {Duration(Median(done.Select(r => r.Result!.Seconds)))}); " +
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

    /// <summary>For each claim that holds on the means alone: how many seeds would separate it, and their cell time here.</summary>
    static void SeedsToSeparate(StringBuilder md, StudyResults results)
    {
        var open = results.Orderings.Where(o => o.SeedsToSeparate is not null).ToList();
        if (open.Count == 0) return;
        var s = results.Plan.Study;
        double cellsPerSeed = (double)results.Cells.Count / s.Seeds.Length;
        double median = Median(results.Done.Select(r => r.Result!.Seconds));
        md.AppendLine($"Not separated by {s.Seeds.Length} seeds: seeds per side that a one-sided paired t-test " +
            $"(p < {SeedStatistics.Ordering.Level}) needs to find the mean difference seen here with power {SeedStatistics.Ordering.Power}, " +
            "if the differences spread as they do here (t-quantile approximation):").AppendLine();
        foreach (var o in open)
        {
            int n = o.SeedsToSeparate!.Value;
            string seeds = n > SeedStatistics.Ordering.MaxSeeds ? $"more than {SeedStatistics.Ordering.MaxSeeds:N0}" : $"about {n:N0}";
            string cost = n > SeedStatistics.Ordering.MaxSeeds || double.IsNaN(median) ? ""
                : $"; adding the other {n - o.Pairs:N0} seeds to the study is about {Duration((n - o.Pairs) * cellsPerSeed * median)} " +
                  $"of cell time here ({cellsPerSeed:0.#} cells a seed, median cell {Duration(median)})";
            md.AppendLine($"- {o.Text}: paired difference {SpreadFormat.MeanStd(o.MeanDifference, o.DifferenceStd, o.Pairs)}, " +
                $"{seeds} seeds{cost}.");
        }
        md.AppendLine();
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

    /// <summary>Resumed cells count every run; markers from before runs were counted hold their last run only.</summary>
    static string LastRunOnly(int cells) => cells == 0 ? ", resumes included" : $" ({cells} of them counting only their last run)";

    static string Duration(double seconds) => seconds >= 3600 ? $"{seconds / 3600:F1} h" : seconds >= 60 ? $"{seconds / 60:F1} min" : $"{seconds:F0} s";

    static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    static string Csv(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
