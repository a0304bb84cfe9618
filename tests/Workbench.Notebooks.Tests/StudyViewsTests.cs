using Cmd.Studies;

namespace Workbench.Notebooks.Tests;

/// <summary>
/// Notebooks 04-06 as views over the studies: which study a run shows and where its cells are. Only a run that
/// changes nothing and computes nothing reads the committed folder; every other run stays in its own results folder.
/// </summary>
public class StudyViewsTests
{
    static string Repo => Run.RepositoryRoot();

    [Fact]
    public void Without_parameters_the_view_reads_the_committed_study_and_runs_nothing()
    {
        var local = Path.Combine(Path.GetTempPath(), "wb-views-" + Guid.NewGuid().ToString("N")[..8]);
        var view = StudyViews.Open("studies/table4b.json", "", "", run: null, publish: false, local);
        Assert.False(view.Run);
        Assert.Equal("table4b", view.Plan.Study.Name);
        Assert.Equal(Path.Combine(Repo, "results", "table4b"), view.Plan.ResultsDirectory);
        Assert.Empty(view.Command.StudyArguments);
    }

    [Fact]
    public void At_tiny_it_runs_two_seeds_of_the_tiny_study_inside_the_notebooks_folder()
    {
        var local = Path.Combine(Path.GetTempPath(), "wb-views-" + Guid.NewGuid().ToString("N")[..8]);
        var view = StudyViews.Open("studies/table4b.json", "tiny", "", run: null, publish: false, local);
        Assert.True(view.Run);
        Assert.StartsWith("table4b--tiny-seeds2-set", view.Plan.Study.Name);
        Assert.Equal(StudyViews.SmokeSeeds, view.Plan.Study.Seeds);
        Assert.Equal(Path.Combine(local, view.Plan.Study.Name), view.Plan.ResultsDirectory);
        Assert.StartsWith(view.Plan.ResultsDirectory + Path.DirectorySeparatorChar, view.Plan.RunsDirectory);
        Assert.All(view.Plan.Cells, c => Assert.Equal(Cmd.Presets.RunPresets.Tiny.AutoencoderSteps, c.Config.AutoencoderSteps));
        // the cells the notebook starts load the same study: same options, same keys
        var again = StudyPlan.Load(view.StudyFile, view.Overrides);
        Assert.Equal(view.Plan.Cells.Select(c => c.Key), again.Cells.Select(c => c.Key));
        Assert.Equal(["--preset", "tiny", "--seeds", "0,1"], view.Command.StudyArguments.Take(4));
        Assert.False(StudyViews.Open("studies/table4b.json", "tiny", "", run: false, publish: false, local).Run);
    }

    [Fact]
    public void Running_the_study_as_committed_without_publish_never_touches_its_page()
    {
        var local = Path.Combine(Path.GetTempPath(), "wb-views-" + Guid.NewGuid().ToString("N")[..8]);
        var view = StudyViews.Open("studies/table4c.json", "", "0", run: true, publish: false, local);
        Assert.Equal("table4c--seeds1", view.Plan.Study.Name);
        Assert.Equal(Path.Combine(local, "table4c--seeds1"), view.Plan.ResultsDirectory);
        var same = StudyViews.Open("studies/table4c.json", "", "", run: true, publish: false, local);
        Assert.Equal(("table4c", Path.Combine(local, "table4c")), (same.Plan.Study.Name, same.Plan.ResultsDirectory));
        // publish: the study's own folders, as `workbench sweep run` uses them
        var published = StudyViews.Open("studies/table4c.json", "", "", run: true, publish: true, local);
        Assert.Equal(Path.Combine(Repo, "results", "table4c"), published.Plan.ResultsDirectory);
    }

    [Fact]
    public void With_no_finished_cells_it_prints_the_command_a_two_core_laptop_runs()
    {
        var local = Path.Combine(Path.GetTempPath(), "wb-views-" + Guid.NewGuid().ToString("N")[..8]);
        var view = StudyViews.Open("studies/table4b.json", "", "0", run: false, publish: false, local);
        var say = view.Results().Say(view.Command);
        var folders = $"--seeds 0 --results {local}/table4b--seeds1 --runs {local}/table4b--seeds1/runs";
        Assert.Equal($"table4b--seeds1 has no finished cells yet (4 cells: 4 pending) in {local}/table4b--seeds1: run it with " +
            $"`workbench sweep run studies/table4b.json {folders} --backend local --jobs 1 --threads 2` (on a Slurm cluster " +
            $"`--backend slurm`), then `workbench sweep collect studies/table4b.json {folders}`", say);
    }

    [Fact]
    public void Bad_seeds_are_a_one_line_error_naming_the_parameter()
    {
        var tmp = Path.GetTempPath();
        var e = Assert.Throws<StudyException>(() => StudyViews.Open("studies/table4b.json", "", "0,one", run: false, publish: false, tmp));
        Assert.Equal("seeds: 'one' is not an integer (e.g. seeds 0,1,2)", e.Message);
        var missing = Assert.Throws<StudyException>(() => StudyViews.Open("studies/nope.json", "", "", run: false, publish: false, tmp));
        Assert.Equal($"study file {Path.Combine(Repo, "studies", "nope.json")} does not exist", missing.Message);
    }

    [Fact]
    public void The_tables_hold_the_papers_numbers_beside_ours_rounded_as_the_page_does()
    {
        var local = Path.Combine(Path.GetTempPath(), "wb-views-" + Guid.NewGuid().ToString("N")[..8]);
        var view = StudyViews.Open("studies/table4b.json", "tiny", "", run: false, publish: false, local);
        foreach (var (cell, value) in view.Plan.Cells.Zip(new[] { 22114.3048, 22117.9, 0.0123456, 0.0123454, 99.87654, 100.1, 5, 7 }))
        {
            var folder = view.Plan.CellFolder(cell);
            new CellResult
            {
                Key = cell.Key, Study = view.Plan.Study.Name, Variant = cell.Variant, Seed = cell.Seed,
                Metrics = new() { ["r_fvd"] = value, ["floor"] = 1, ["psnr"] = 2, ["ssim"] = 0.5, ["train_loss"] = 0.1 },
            }.Write(folder);
        }
        var results = view.Results();
        var paper = StudyViews.PaperTable(results);
        Assert.Equal(["row", "paper R-FVD", "ours: mean", "± std", "n", "metric"], paper.Columns);
        Assert.Equal(new object?[] { "D=16, L=16, weighted sum", 56.8, 22116.1, 2.5, 2, "R-FVD (reconstructions vs real)" },
            paper.Rows[0]);
        Assert.Equal(0.0123455, (double)paper.Rows[1][2]!, 12); // spread 1.4e-7: the mean to 6 significant digits
        Assert.Equal(99.99, (double)paper.Rows[2][2]!, 12);
        Assert.Equal(["PSNR: D=16, L=16, weighted sum", null], paper.Rows[4][..2]); // a row of ours with no paper number
        Assert.Equal(6, StudyViews.OrderingsTable(results).Rows.Count); // three on R-FVD, three on PSNR
        var metrics = StudyViews.MetricsTable(results);
        Assert.Equal(4, metrics.Rows.Count);
        Assert.Equal("R-FVD (reconstructions vs real), lower is better", metrics.Columns[1]);
        Assert.Equal("22,116.1 ± 2.5 (n=2)", metrics.Rows[0][1]);
    }
}
