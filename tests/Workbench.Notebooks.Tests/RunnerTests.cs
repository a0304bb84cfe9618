using System.Text.Json.Nodes;

namespace Workbench.Notebooks.Tests;

/// <summary>Runs the chart fixture once through `workbench notebook run` (a child process, as users do).</summary>
public sealed class ChartRun
{
    public string Dir { get; }
    public string Executed { get; }
    public string Report { get; }
    public Run.Result Result { get; }

    public ChartRun()
    {
        var (dir, nb) = Run.Copy("chart.ipynb");
        Dir = dir;
        Result = Run.Workbench("notebook", "run", nb, "-p", "steps=7", "-p", "preset=tiny", "--output", Path.Combine(dir, "out"), "--timeout", "2400"); // hang guard
        Executed = Path.Combine(dir, "out", "chart", "chart.ipynb");
        Report = Path.Combine(dir, "out", "chart", "chart.html");
    }
}

public class RunnerTests(ChartRun run) : IClassFixture<ChartRun>
{
    JsonArray Cells() => JsonNode.Parse(File.ReadAllText(run.Executed))!["cells"]!.AsArray();

    static string Join(JsonNode? source) => source is JsonArray a ? string.Concat(a.Select(x => x!.GetValue<string>())) : source?.GetValue<string>() ?? "";

    [Fact]
    public void Runs_every_cell_with_a_progress_line_each()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.All);
        // 6 code cells of the notebook + the injected parameters cell
        Assert.Equal(7, run.Result.Stdout.Split('\n').Count(l => l.StartsWith('[') && l.Contains(" ok ") && l.TrimEnd().EndsWith(" s")));
        Assert.True(File.Exists(run.Executed) && File.Exists(run.Report));
    }

    [Fact]
    public void Executed_notebook_is_valid_nbformat_and_keeps_the_kernelspec()
    {
        var check = Run.Python("""
            import sys, nbformat
            nb = nbformat.read(sys.argv[1], as_version=4)
            nbformat.validate(nb)
            print(nb.nbformat, nb.nbformat_minor, nb.metadata.kernelspec.name, nb.metadata.kernelspec.language)
            """, run.Executed);
        Assert.True(check.ExitCode == 0, check.All);
        Assert.Equal("4 5 .net-csharp C#", check.Stdout.Trim());
    }

    [Fact]
    public void Parameters_are_injected_after_the_parameters_cell_and_used()
    {
        var cells = Cells();
        var p = cells.Select((c, i) => (c, i)).Single(x => x.c!["metadata"]?["tags"]?.AsArray().Any(t => t!.GetValue<string>() == "parameters") == true).i;
        var injected = cells[p + 1]!;
        Assert.Contains("injected-parameters", injected["metadata"]!["tags"]!.ToJsonString());
        Assert.Contains("steps = 7;", Join(injected["source"]));
        var stdout = Join(cells[p + 2]!["outputs"]![0]!["text"]);
        Assert.Equal("steps=7 preset=tiny scale=1\n", stdout);
    }

    [Fact]
    public void Returned_values_images_and_charts_are_in_the_outputs()
    {
        var outputs = Cells().Where(c => c!["cell_type"]!.GetValue<string>() == "code").Select(c => c!["outputs"]!.AsArray()).ToList();
        // 1+4+9+16+25 = 55, returned from a tensor computation
        var sum = outputs.SelectMany(o => o).First(o => o!["output_type"]!.GetValue<string>() == "execute_result")!;
        Assert.Contains("55", Join(sum["data"]!["text/plain"]));
        // the frame grid (ImageSharp image) is a real PNG
        var png = outputs.SelectMany(o => o).Select(o => o!["data"]?["image/png"]).First(d => d is not null)!;
        var bytes = Convert.FromBase64String(Join(png));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
        using var image = SixLabors.ImageSharp.Image.Load(bytes);
        Assert.Equal(8 * 32 * 2 + 9 * 2, image.Width);   // 8 tiny frames (32x32) at scale 2, 2-pixel padding
        // the chart draws offline when plotly.js is on the page, loads it otherwise
        var chart = Join(outputs.SelectMany(o => o).Select(o => o!["data"]?["text/html"]).First(d => d is not null && Join(d).Contains("Plotly.newPlot")));
        Assert.Contains("if (window.Plotly)", chart);
        Assert.DoesNotContain("require", chart);
    }

    [Fact]
    public void Html_report_is_self_contained()
    {
        var html = File.ReadAllText(run.Report);
        Assert.Contains("plotly.js " + PlotlyOffline.PlotlyJsVersion, html);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Matches(html, "inlined from Plotly.NET").Count);
        Assert.DoesNotContain("<script src=", html);
        Assert.DoesNotContain("<link ", html);
        Assert.Contains("<h1", html);   // markdown rendered
        Assert.Contains("data:image/png;base64,", html);
    }

    [Fact]
    public void Html_report_draws_its_chart_in_headless_chromium_without_network()
    {
        var dom = Run.ChromiumDom(run.Report, Path.Combine(run.Dir, "chromium-profile"));
        Assert.Equal((1, 1), Run.Charts(File.ReadAllText(run.Report), dom));
        // Plotly drew the figure: its SVG, and a trace line whose path goes through the 5 points
        Assert.Contains("class=\"main-svg\"", dom);
        var line = System.Text.RegularExpressions.Regex.Match(dom, "<path class=\"js-line\" d=\"(M[^\"]+)\"");
        Assert.True(line.Success, "no drawn trace line in the DOM");
        Assert.Equal(5, line.Groups[1].Value.Split('L').Length);
    }
}

public class FailureTests
{
    [Fact]
    public void A_failing_cell_stops_the_run_names_cell_and_line_keeps_outputs_and_exits_nonzero()
    {
        var (dir, nb) = Run.Copy("failing.ipynb");
        var result = Run.Workbench("notebook", "run", nb, "--output", dir, "--timeout", "2400"); // hang guard
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error: failing.ipynb: cell 3 failed at line 3 `throw new InvalidOperationException($\"boom {b}\");`: InvalidOperationException: boom 2", result.Stderr);
        Assert.DoesNotContain("at Microsoft.", result.Stderr);   // one line, no stack trace

        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "failing", "failing.ipynb")))!["cells"]!.AsArray();
        Assert.Contains("before the failure", cells[0]!["outputs"]!.ToJsonString());
        var error = cells[2]!["outputs"]!.AsArray().Single()!;
        Assert.Equal("error", error["output_type"]!.GetValue<string>());
        Assert.Equal("InvalidOperationException", error["ename"]!.GetValue<string>());
        Assert.Empty(cells[3]!["outputs"]!.AsArray());
        Assert.Equal("null", JsonValueKind(cells[3]!["execution_count"]));
        Assert.Contains("cell 3 failed", File.ReadAllText(Path.Combine(dir, "failing", "failing.html")));
    }

    static string JsonValueKind(JsonNode? node) => node is null ? "null" : node.GetValueKind().ToString();

    [Fact]
    public void A_notebook_over_its_time_limit_is_stopped()
    {
        var (dir, nb) = Run.Copy("slow.ipynb");
        // The second cell sleeps an hour: a runner that did not stop it would hit Run.HangGuard (45 min) and fail this
        // test, however busy the machine is (no wall-clock bound here).
        var result = Run.Workbench("notebook", "run", nb, "--output", dir, "--timeout", "20");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("slow.ipynb did not finish within 20 s", result.Stderr);
        // The executed notebook is there and holds what finished: the first cell's output when it finished in time
        // (on a very busy machine the kernel may still be starting when the limit hits).
        var executed = File.ReadAllText(Path.Combine(dir, "slow", "slow.ipynb"));
        Assert.Contains("System.Threading.Thread.Sleep", executed);
        if (result.Stdout.Contains("[1/2] slow.ipynb cell 1 ok")) Assert.Contains("\"start\\n\"", executed);
    }

    [Fact]
    public void An_nbformat_3_notebook_is_refused_with_the_command_that_converts_it()
    {
        var (dir, nb) = Run.Copy("v3.ipynb");
        var result = Run.Workbench("notebook", "run", nb, "--output", dir);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"error: {nb} is nbformat 3; the runner reads nbformat 4: convert it with `jupyter nbconvert --to notebook --nbformat 4", result.Stderr);
        Assert.DoesNotContain(" ok ", result.Stdout);
        // the command it names converts it, and the converted notebook runs
        var converted = Path.Combine(dir, "v4.ipynb");
        var convert = Run.Jupyter(["nbconvert", "--to", "notebook", "--nbformat", "4", "--output", converted, nb], TimeSpan.FromMinutes(15));
        Assert.True(convert.ExitCode == 0, convert.All);
        var rerun = Run.Workbench("notebook", "run", converted, "--output", dir);
        Assert.True(rerun.ExitCode == 0, rerun.All);
        Assert.Contains("v3 ran", File.ReadAllText(Path.Combine(dir, "v4", "v4.ipynb")));
    }

    [Fact]
    public void Bad_input_gives_one_clear_line()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wb-nb-tests", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var bad = Path.Combine(dir, "bad.ipynb");
        File.WriteAllText(bad, "{not json");
        var r1 = Run.Workbench("notebook", "run", bad, "--output", dir);
        Assert.NotEqual(0, r1.ExitCode);
        Assert.Contains($"error: {bad} is not a notebook", r1.Stderr);
        var r2 = Run.Workbench("notebook", "run", Path.Combine(dir, "missing.ipynb"));
        Assert.Contains("error: notebook not found:", r2.Stderr);
        var (d3, nb) = Run.Copy("failing.ipynb");
        var r3 = Run.Workbench("notebook", "run", nb, "-p", "steps=3", "--output", d3);
        Assert.Contains("error: failing.ipynb: -p given but no cell is tagged 'parameters'", r3.Stderr);
    }
}
