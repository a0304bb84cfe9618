using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Workbench.Notebooks.Tests;

/// <summary>
/// Every notebook executed by real Jupyter: `jupyter nbconvert --execute` in the kernel `make jupyter` registers
/// (cmd-workbench: the dotnet-interactive global tool, nothing of ours but what each notebook's first cell loads), at
/// the tiny preset, from a copy outside the checkout (the first cell finds it through CMD_WORKBENCH_ROOT). The result
/// must validate with nbformat, hold no error and an output for every chart and image the notebook makes, and its
/// HTML export (nbconvert's) must draw every chart in headless Chromium with no network.
/// </summary>
public class JupyterTests(ITestOutputHelper log)
{
    public const string Kernel = "cmd-workbench";

    /// <summary>All notebooks of one test run share an output root, as in `make notebooks` (03 reuses 02's training).</summary>
    static readonly Lazy<string> Root = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "wb-nb-tests", "jupyter-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    });

    public static IEnumerable<object[]> Notebooks() => NotebooksTests.Notebooks();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Runs_in_the_registered_kernel_at_the_tiny_preset_and_draws_offline(string notebook)
    {
        var repository = Run.RepositoryRoot();
        var name = Path.GetFileNameWithoutExtension(notebook);
        var dir = Path.Combine(Root.Value, name);
        var input = Path.Combine(dir, "input", notebook);
        Directory.CreateDirectory(Path.GetDirectoryName(input)!);
        Assert.True(KernelspecInstalled.Value, $"no Jupyter kernel '{Kernel}': run `make jupyter` (build/jupyter.sh)");

        // papermill's convention, which nbconvert lacks: the new values in a cell after the one tagged `parameters`
        var inject = Run.Python("""
            import sys, nbformat
            src, dst, results = sys.argv[1:4]
            nb = nbformat.read(src, as_version=4)
            at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
            cell = nbformat.v4.new_code_cell('preset = "tiny";\nresultsDir = @"' + results + '";')
            cell.metadata["tags"] = ["injected-parameters"]
            nb.cells.insert(at + 1, cell)
            nbformat.write(nb, dst)
            """, Path.Combine(repository, "notebooks", notebook), input, Path.Combine(dir, "results"));
        Assert.True(inject.ExitCode == 0, inject.All);

        var clock = Stopwatch.StartNew();
        var env = new Dictionary<string, string> { ["CMD_WORKBENCH_ROOT"] = repository };
        var run = Run.Jupyter(["nbconvert", "--to", "notebook", "--execute", $"--ExecutePreprocessor.kernel_name={Kernel}",
            "--ExecutePreprocessor.timeout=2400", "--ExecutePreprocessor.startup_timeout=1200", // hang guards, as Run.HangGuard
            "--output-dir", dir, "--output", notebook, input], Run.HangGuard, env);
        var seconds = clock.Elapsed.TotalSeconds;
        Assert.True(run.ExitCode == 0, run.All);
        var executed = Path.Combine(dir, notebook);

        var check = Run.Python("""
            import sys, json, nbformat
            nb = nbformat.read(sys.argv[1], as_version=4)
            nbformat.validate(nb)
            code = [c for c in nb.cells if c.cell_type == "code"]
            outputs = [o for c in code for o in c.outputs]
            errors = [o for o in outputs if o.output_type == "error"]
            unrun = [i for i, c in enumerate(code) if c.execution_count is None]
            data = [o.get("data", {}) for o in outputs]
            html = [d.get("text/html", "") for d in data]
            print(json.dumps({
                "errors": [e.ename + ": " + e.evalue for e in errors], "unrun": unrun,
                "charts": sum("Plotly chart will be drawn inside this DIV" in h for h in html),
                "images": sum(("image/png" in d) or ("image/gif" in d) or ("<img src=\"data:image" in h) for d, h in zip(data, html)),
                "plotlyjs": sum("data-workbench-plotly" in h for h in html),
                "first": "".join(o.get("text", "") for o in code[0].outputs)}))
            """, executed);
        Assert.True(check.ExitCode == 0, check.All);
        var summary = JsonNode.Parse(check.Stdout)!;
        Assert.True(summary["errors"]!.AsArray().Count == 0, summary["errors"]!.ToJsonString());
        Assert.Empty(summary["unrun"]!.AsArray());
        var charts = summary["charts"]!.GetValue<int>();
        var images = summary["images"]!.GetValue<int>();
        // the first cell loaded the workbench from this checkout's build and put plotly.js on the page, once
        Assert.Contains($"workbench {repository} (build src/Workbench.Cli/bin/Release/net10.0)", summary["first"]!.GetValue<string>());
        Assert.Equal(1, summary["plotlyjs"]!.GetValue<int>());
        var source = File.ReadAllText(Path.Combine(repository, "notebooks", notebook));
        if (source.Contains("Chart.") || NotebooksTests.MinimumCharts.ContainsKey(name))
            Assert.True(charts >= NotebooksTests.MinimumCharts.GetValueOrDefault(name, 1), $"{name}: {charts} chart outputs");
        if (source.Contains("VideoViews.") || source.Contains("InlineImage.")) Assert.True(images >= 1, $"{name}: no image output");

        // nbconvert's own HTML export, opened offline: every chart drawn
        var html = Run.Jupyter(["nbconvert", "--to", "html", "--output-dir", dir, executed], TimeSpan.FromMinutes(15));
        Assert.True(html.ExitCode == 0, html.All);
        var page = Path.Combine(dir, name + ".html");
        var dom = Run.ChromiumDom(page, Path.Combine(dir, "chromium-profile"));
        var (inPage, drawn) = Run.Charts(File.ReadAllText(page), dom);
        Assert.Equal(charts, inPage);
        Assert.Equal(inPage, drawn);
        // each drawn chart holds at least one drawn trace (a line, bars, markers)
        var tracesPerChart = dom.Split("class=\"plot-container plotly\"").Skip(1).Select(part => Regex.Matches(part, "<g class=\"trace ").Count).ToList();
        Assert.True(tracesPerChart.All(t => t > 0), $"{name}: traces per chart {string.Join(",", tracesPerChart)}");
        log.WriteLine($"{name}: {charts} charts drawn of {inPage}, {images} images; nbconvert --execute {seconds:F0} s");
        // The results went where the notebook was told, nothing into the checkout's committed pages
        Assert.True(Directory.Exists(Path.Combine(dir, "results")), "no results folder");
    }

    static readonly Lazy<bool> KernelspecInstalled = new(() =>
    {
        var list = Run.Jupyter(["kernelspec", "list", "--json"], TimeSpan.FromMinutes(15));
        return list.ExitCode == 0 && JsonNode.Parse(list.Stdout)?["kernelspecs"]?[Kernel] is not null;
    });
}
