using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using PChart = Plotly.NET.CSharp.Chart;

namespace Cmd.Studies;

/// <summary>
/// The collected cells of a study, read from their done markers (results/&lt;study&gt;/cells/&lt;key&gt;/done.json): the
/// paper's rows beside ours as mean ± std over seeds, the paper's orderings checked seed by seed, every metric per
/// variant, the charts and the pictures the cells drew. What `sweep collect` writes on the page (<see cref="StudyReport"/>)
/// and what notebooks 04-06 show.
/// </summary>
public sealed class StudyResults
{
    public StudyPlan Plan { get; }
    /// <summary>Every cell of the study with its state (done, running, failed, started, pending).</summary>
    public IReadOnlyList<StudyStatus.Row> Cells { get; }
    /// <summary>The cells with a done marker.</summary>
    public IReadOnlyList<StudyStatus.Row> Done { get; }

    StudyResults(StudyPlan plan, IReadOnlyList<StudyStatus.Row> cells)
    {
        Plan = plan;
        Cells = cells;
        Done = cells.Where(r => r.Result is not null).ToList();
    }

    /// <summary>The study's cells as they stand on disk now.</summary>
    public static StudyResults Of(StudyPlan plan) => new(plan, StudyStatus.Of(plan));

    public Study Study => Plan.Study;
    public bool Complete => Done.Count == Cells.Count;
    /// <summary>"12 cells: 8 done, 1 running, 3 pending".</summary>
    public string Summary => StudyStatus.Summary(Cells);
    public IReadOnlyList<string> Variants => StudyPlan.VariantNames(Study);
    /// <summary>The metrics the study collects, in its order, with their labels and directions.</summary>
    public IReadOnlyList<CellMetrics.Metric> Metrics => Study.Metrics.Select(m => CellMetrics.Get(Study.Kind, m)).ToList();

    /// <summary>A metric of a variant, by seed, from the done cells.</summary>
    public IReadOnlyDictionary<int, double> Values(string variant, string metric) =>
        Done.Where(r => r.Cell.Variant == variant && r.Result!.Metrics.ContainsKey(metric))
            .ToDictionary(r => r.Cell.Seed, r => r.Result!.Metrics[metric]);

    public SeedStatistics.Spread Spread(string variant, string metric) => SeedStatistics.Of(Values(variant, metric).Values);

    /// <summary>One row of the paper's table beside ours.</summary>
    public sealed record PaperResult(string Label, string Variant, double? Paper, SeedStatistics.Spread Ours, CellMetrics.Metric Metric);

    /// <summary>The paper's rows (its numbers) with ours; empty when the study has no paper table.</summary>
    public IReadOnlyList<PaperResult> PaperRows => (Study.Paper?.Rows ?? []).Select(r =>
        new PaperResult(r.Label, r.Variant, r.Paper, Spread(r.Variant, r.Metric), CellMetrics.Get(Study.Kind, r.Metric))).ToList();

    /// <summary>Each ordering the paper claims, checked on our seeds (means, seeds that agree, a paired test).</summary>
    public IReadOnlyList<SeedStatistics.Ordering> Orderings
    {
        get
        {
            if (Study.Paper is not { } p) return [];
            var byLabel = p.Rows.ToDictionary(r => r.Label);
            return p.Orderings.Select(o =>
            {
                var less = byLabel[o.Less]; var greater = byLabel[o.Greater];
                return SeedStatistics.Compare(o.Text ?? $"{o.Less} < {o.Greater}",
                    Values(less.Variant, less.Metric), Values(greater.Variant, greater.Metric));
            }).ToList();
        }
    }

    /// <summary>A picture a cell drew (e.g. content-frames.png), for the first done seed of each variant.</summary>
    public sealed record Picture(string Variant, int Seed, string Path);

    public IReadOnlyList<Picture> Pictures(string artefact) => Done.GroupBy(r => r.Cell.Variant)
        .Select(g => g.OrderBy(r => r.Cell.Seed).First())
        .Where(r => r.Result!.Artefacts.Contains(artefact))
        .Select(r => new Picture(r.Cell.Variant, r.Cell.Seed, System.IO.Path.Combine(Plan.CellFolder(r.Cell), artefact)))
        .Where(p => File.Exists(p.Path)).ToList();

    /// <summary>
    /// One line saying what is there to show, and when nothing or not everything is, the commands that run it (from the
    /// checkout root): e.g. "table4b has no finished cells yet (12 cells: 12 pending) in results/table4b: run it with ...".
    /// </summary>
    public string Say(CellCommand command)
    {
        var where = Relative(Plan.ResultsDirectory);
        command = command.RelativeTo(Plan.BaseDirectory);
        var how = $"`{command.RunLine("local")}` (on a Slurm cluster `--backend slurm`), then `{command.CollectLine()}`";
        return Done.Count == 0 ? $"{Study.Name} has no finished cells yet ({Summary}) in {where}: run it with {how}"
            : Complete ? $"{Study.Name}: all {Cells.Count} cells are done ({where})"
            : $"{Study.Name} is incomplete: {Summary} ({where}); the rest runs with {how}";
    }

    string Relative(string path) => path.StartsWith(Plan.BaseDirectory + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)
        ? System.IO.Path.GetRelativePath(Plan.BaseDirectory, path) : path;

    /// <summary>A chart of the study: a file-name stem, the chart, its caption.</summary>
    public sealed record StudyChart(string Name, GenericChart Chart, string Caption);

    /// <summary>The paper's rows (one chart), then every other metric over the variants; none without done cells.</summary>
    public IReadOnlyList<StudyChart> Charts()
    {
        var charts = new List<StudyChart>();
        if (Done.Count == 0) return charts;
        var covered = new HashSet<string>();
        if (Study.Paper is { Rows.Length: > 0 } p)
        {
            var metrics = p.Rows.Select(r => r.Metric).Distinct().ToList();
            covered.UnionWith(metrics);
            foreach (var m in metrics) // one chart per metric: one axis, one unit
            {
                var caption = $"{Study.Name}: {p.Source.Split(',')[0]} rows, ours ({Label(m)})";
                var rows = p.Rows.Where(r => r.Metric == m).Select(r => (r.Label, Values(r.Variant, r.Metric))).ToList();
                charts.Add(new(m == metrics[0] ? "paper-rows" : $"paper-rows-{m.Replace('_', '-')}", Bars(rows, caption, Axis(m)), caption));
            }
        }
        foreach (var m in Study.Metrics.Where(m => !covered.Contains(m)))
        {
            var caption = $"{Study.Name}: {Label(m)} per variant";
            charts.Add(new(m.Replace('_', '-'), Bars(Variants.Select(v => (v, Values(v, m))).ToList(), caption, Axis(m)), caption));
        }
        return charts;
    }

    /// <summary>Means over seeds as bars with ± one standard deviation, and each seed as a dot.</summary>
    static GenericChart Bars(IReadOnlyList<(string Label, IReadOnlyDictionary<int, double> BySeed)> rows, string title, string axis)
    {
        var labels = rows.Select(r => r.Label).ToList();
        var spreads = rows.Select(r => SeedStatistics.Of(r.BySeed.Values)).ToList();
        var bars = PChart.Column<double, string, string>(spreads.Select(x => double.IsNaN(x.Mean) ? 0 : x.Mean), Keys: labels,
            Name: "mean over seeds");
        var errors = FSharpOption<IEnumerable<double>>.Some(spreads.Select(x => double.IsNaN(x.Std) ? 0 : x.Std).ToList());
        bars = Plotly.NET.Chart.withYErrorStyle<double, double>(null, null, null, errors, null, null, null, null, null, null, null, null, null)
            .Invoke(bars); // null = F# None
        var seeds = rows.SelectMany(r => r.BySeed.Keys).Distinct().Order().ToList();
        var traces = new List<GenericChart> { bars };
        foreach (var seed in seeds)
        {
            var points = rows.Where(r => r.BySeed.ContainsKey(seed)).ToList();
            traces.Add(PChart.Point<string, double, string>(points.Select(r => r.Label), points.Select(r => r.BySeed[seed]),
                Name: $"seed {seed}"));
        }
        var chart = PChart.Combine(traces).WithYAxisStyle<double, double, string>(TitleText: axis).WithSize(900, 520);
        return Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
    }

    public string Label(string metric) => CellMetrics.Get(Study.Kind, metric).Label;

    string Axis(string metric)
    {
        var m = CellMetrics.Get(Study.Kind, metric);
        return $"{m.Label} ({(m.LowerIsBetter ? "lower" : "higher")} is better)";
    }
}
