using Cmd.Data;
using Cmd.Studies;

namespace Workbench.Notebooks;

/// <summary>
/// Notebooks 04-06 as views over the studies (studies/table4b.json, table4c.json, table4a.json): which study a run
/// shows and where its cells are, a small local sweep when asked (the `workbench sweep run` of this build, one process
/// per cell), and the collected cells as tables (<see cref="StudyResults"/> underneath).
/// <list type="bullet">
/// <item>The study as committed, not run here: its own folder (results/&lt;study&gt;/), read only.</item>
/// <item>Another preset (with that preset's sizes and steps, <see cref="StudyOverrides.AtPreset"/>) or other seeds, or a
/// run here: <c>resultsDir/&lt;study name&gt;/</c> (results/local/... unless published), never the committed page.</item>
/// <item>A publish run: the study's own folders, as `workbench sweep run` would use (refused at tiny).</item>
/// </list>
/// </summary>
public static class StudyViews
{
    /// <summary>Seeds of a smoke run at the tiny preset (two: a spread, in about a minute of cells).</summary>
    public static readonly int[] SmokeSeeds = [0, 1];

    /// <summary>The study a notebook shows: its plan, the overrides that made it, the command that runs it, whether it runs here.</summary>
    public sealed record View(StudyPlan Plan, StudyOverrides Overrides, string StudyFile, bool Run)
    {
        /// <summary>`workbench sweep ...` of this build (the apphost beside the loaded workbench) with this view's options.</summary>
        public CellCommand Command => new(Program(), StudyFile, Overrides.Arguments());

        /// <summary>The collected cells as they stand now.</summary>
        public StudyResults Results() => StudyResults.Of(Plan);
    }

    /// <summary>
    /// Opens <paramref name="study"/> (relative to the checkout) as the notebook's parameters say and prints which study,
    /// where its cells are and whether this run computes any. <paramref name="run"/> null: run only at the smoke preset.
    /// </summary>
    public static View Open(string study, string preset, string seeds, bool? run, bool publish, string resultsDir)
    {
        var file = Path.GetFullPath(Path.IsPathRooted(study) ? study : Path.Combine(RepoData.Root, study));
        var original = StudyFile.Load(file);
        bool smoke = string.Equals(preset, NotebookResults.SmokePreset, StringComparison.OrdinalIgnoreCase);
        var overrides = preset.Length > 0 && preset != original.Preset ? StudyOverrides.AtPreset(original, preset) : new StudyOverrides();
        if (seeds.Length > 0) overrides = overrides with { Seeds = StudyOverrides.ParseSeeds(seeds, "seeds") };
        else if (smoke) overrides = overrides with { Seeds = SmokeSeeds };
        bool runs = run ?? smoke;
        if (!publish && (runs || overrides.ChangesStudy))
        {
            var name = StudyFile.Load(file, overrides).Name;
            var local = Path.Combine(Path.GetFullPath(resultsDir), name);
            overrides = overrides with { Results = local, Runs = Path.Combine(local, "runs") };
        }
        var plan = StudyPlan.Load(file, overrides);
        var view = new View(plan, overrides, file, runs);
        var s = plan.Study;
        int variants = StudyPlan.VariantNames(s).Count;
        Console.WriteLine($"study {Path.GetRelativePath(RepoData.Root, file)}: {s.Name} ({s.Kind}), {plan.Cells.Count} cells = " +
            $"{variants} variant{(variants == 1 ? "" : "s")} x seeds {string.Join(",", s.Seeds)}, preset {s.Preset}; " +
            $"cells in {plan.ResultsDirectory}");
        Console.WriteLine(runs ? "runs its unfinished cells here (-p jobs at a time), as `workbench sweep run` does"
            : "shows the cells collected so far (-p run=true runs the unfinished ones here)");
        return view;
    }

    /// <summary>
    /// Runs the view's unfinished cells on this machine (<see cref="LocalBackend"/>: one `workbench sweep cell` process per
    /// cell, <paramref name="jobs"/> at a time) and, when all are done, writes the study's page as `sweep collect` does.
    /// </summary>
    public static LocalBackend.Summary RunHere(View view, int jobs = 1)
    {
        Console.WriteLine($"as `{view.Command.RelativeTo(view.Plan.BaseDirectory).RunLine("local", jobs, Environment.ProcessorCount)}`");
        var summary = LocalBackend.Run(view.Plan, view.Command, jobs, Environment.ProcessorCount, Console.WriteLine);
        if (summary.Done == view.Plan.Cells.Count)
        {
            var page = StudyReport.Write(view.Plan, view.Command, m => Console.WriteLine($"warning: {m}"));
            Console.WriteLine($"page: {page.Readme}");
        }
        if (summary.Failed > 0)
            throw new InvalidOperationException($"{summary.Failed} of the cells of {view.Plan.Study.Name} failed " +
                $"(the lines above name them); their logs are in {view.Plan.LogFolder}");
        return summary;
    }

    /// <summary>The paper's rows beside ours: its number, our mean ± std over seeds and n.</summary>
    public static ResultTable PaperTable(StudyResults r)
    {
        var p = r.Study.Paper;
        var t = new ResultTable($"{p?.Source ?? r.Study.Title}: the paper beside ours ({r.Study.Name}, {r.Summary})",
            "row", p is { Value.Length: > 0 } ? $"paper {p.Value}" : "paper", "ours: mean", "± std", "n", "metric");
        foreach (var row in r.PaperRows)
        {
            var (mean, std) = SpreadFormat.Rounded(row.Ours.Mean, row.Ours.Std, row.Ours.N); // as the page rounds them
            t.Add(row.Label, row.Paper, mean, std, row.Ours.N, row.Metric.Label);
        }
        return t;
    }

    /// <summary>Each ordering the paper claims: our means, how many seeds agree, the paired test, the verdict.</summary>
    public static ResultTable OrderingsTable(StudyResults r)
    {
        var t = new ResultTable($"The paper's orderings in {r.Study.Name}", "ordering", "ours (means)", "per seed", "test", "verdict");
        foreach (var o in r.Orderings)
            t.Add(o.Text, $"{SpreadFormat.Value(o.MeansInTextOrder.First)} vs {SpreadFormat.Value(o.MeansInTextOrder.Second)}",
                o.SeedAgreement,
                o.Test, o.Verdict);
        return t;
    }

    /// <summary>Every metric the study collects, per variant: mean ± std (n).</summary>
    public static ResultTable MetricsTable(StudyResults r)
    {
        var t = new ResultTable($"{r.Study.Name}: every metric per variant, mean ± std over seeds (n)",
            ["variant", .. r.Metrics.Select(m => $"{m.Label}, {(m.LowerIsBetter ? "lower" : "higher")} is better")]);
        foreach (var v in r.Variants)
            t.Add([v, .. r.Study.Metrics.Select(m => (object)r.Spread(v, m).ToString())]);
        return t;
    }

    /// <summary>The workbench apphost of the build this assembly was loaded from (else dotnet with workbench.dll).</summary>
    static IReadOnlyList<string> Program()
    {
        var apphost = Path.Combine(KernelSetup.BuildDirectory, OperatingSystem.IsWindows() ? "workbench.exe" : "workbench");
        string[] program = File.Exists(apphost) ? [apphost] : ["dotnet", Path.Combine(KernelSetup.BuildDirectory, "workbench.dll")];
        return [.. program, "--device", "auto"];
    }
}
