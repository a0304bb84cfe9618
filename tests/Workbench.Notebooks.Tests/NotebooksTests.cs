namespace Workbench.Notebooks.Tests;

/// <summary>
/// Every committed notebook (notebooks/*.ipynb) runs headless at the tiny preset, gives a valid nbformat
/// notebook with the .NET kernelspec, and its report's charts draw in headless Chromium with no network.
/// A notebook that stops working fails `make test`.
/// </summary>
public class NotebooksTests
{
    public static IEnumerable<object[]> Notebooks() =>
        Directory.GetFiles(Path.Combine(Run.RepositoryRoot(), "notebooks"), "*.ipynb").Order().Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Runs_at_the_tiny_preset(string notebook)
    {
        var output = Path.Combine(Path.GetTempPath(), "wb-nb-tests", "notebooks-" + Guid.NewGuid().ToString("N")[..8]);
        var path = Path.Combine(Run.RepositoryRoot(), "notebooks", notebook);
        // --timeout is the runner's own hang guard (40 min: a tiny notebook takes ~1 min idle, ~6 min under a load of 25)
        var result = Run.Workbench("notebook", "run", path, "-p", "preset=tiny", "--output", output, "--timeout", "2400");
        Assert.True(result.ExitCode == 0, result.All);

        var name = Path.GetFileNameWithoutExtension(notebook);
        var executed = Path.Combine(output, name, notebook);
        var check = Run.Python("""
            import sys, nbformat
            nb = nbformat.read(sys.argv[1], as_version=4)
            nbformat.validate(nb)
            assert nb.metadata.kernelspec.name == ".net-csharp", nb.metadata.kernelspec
            errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
            assert not errors, errors
            unrun = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.execution_count is None]
            assert not unrun, unrun
            print("ok")
            """, executed);
        Assert.True(check.ExitCode == 0, check.All);

        var report = Path.Combine(output, name, name + ".html");
        var html = File.ReadAllText(report);
        var dom = Run.ChromiumDom(report, Path.Combine(output, "chromium-profile"));
        var (charts, drawn) = Run.Charts(html, dom);
        Assert.Equal(charts, drawn);
        // A notebook that makes Plotly charts must have them in its report (a report with none would pass the line above).
        if (File.ReadAllText(path).Contains("Chart.") || MinimumCharts.ContainsKey(name))
            Assert.True(drawn >= MinimumCharts.GetValueOrDefault(name, 1), $"{name}: {drawn} charts drawn in {report}");
    }

    /// <summary>The first code cell is one and the same in every notebook, and it loads the workbench through KernelSetup.</summary>
    [Fact]
    public void Every_notebook_starts_with_the_same_first_cell()
    {
        var first = Directory.GetFiles(Path.Combine(Run.RepositoryRoot(), "notebooks"), "*.ipynb").Order()
            .Select(f => NotebookFile.Read(f).Elements.First(e => e.KernelName is not ("markdown" or "md" or "raw")).Contents)
            .Distinct().ToList();
        var cell = Assert.Single(first);
        Assert.Contains("Workbench.Notebooks.KernelSetup", cell);
        Assert.Contains("Workbench.sln", cell);
        Assert.Contains("CMD_WORKBENCH_ROOT", cell);
        Assert.DoesNotContain("#r \"nuget:", cell);
    }

    /// <summary>
    /// `make notebooks` runs without --output and without --publish: everything goes to results/local/, which git
    /// ignores, and the committed pages stay as they are.
    /// </summary>
    [Fact]
    public void A_run_without_publish_leaves_git_status_clean()
    {
        var repository = Run.RepositoryRoot();
        string Status() => Run.Program("git", ["-C", repository, "status", "--porcelain", "--untracked-files=all"], TimeSpan.FromMinutes(1)).Stdout;
        var before = Status();
        var result = Run.Workbench("notebook", "run", Path.Combine(repository, "notebooks", "01-data.ipynb"), "-p", "preset=tiny", "--timeout", "600");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.True(File.Exists(Path.Combine(repository, "results", "local", "01-data", "clips.md")), result.All);
        Assert.Equal(before, Status());
    }

    /// <summary>
    /// Reports whose charts the issues name. 04-06 are views over the studies (issue 15) and show the charts of the
    /// study's page (StudyResults.Charts, which a source search for "Chart." does not see): 04 the Table 4b rows, the
    /// floor, PSNR, SSIM and loss; 05 the Table 4c rows, GFLOPs and the references; 06 the Table 4a rows and the floor.
    /// </summary>
    public static readonly Dictionary<string, int> MinimumCharts = new()
    {
        ["04-autoencoder-ablation"] = 5, ["05-motion-patch-ablation"] = 7, ["06-per-component-fvd"] = 2,
    };
}
