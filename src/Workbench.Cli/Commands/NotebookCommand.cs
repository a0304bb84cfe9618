using System.CommandLine;
using Workbench.Notebooks;

namespace Workbench.Cli.Commands;

/// <summary>
/// `workbench notebook run a.ipynb [b.ipynb ...] [-p key=value ...] [--timeout s] [--output dir]`: executes
/// notebooks headlessly with the .NET Interactive C# kernel, each in a child process with a time limit,
/// and writes the executed .ipynb and an HTML report to dir/&lt;notebook&gt;/ (default: results/local/&lt;notebook&gt;/, which
/// git ignores; with --publish the committed results/&lt;notebook&gt;/).
/// </summary>
public sealed class NotebookCommand : ICommandGroup
{
    public Command Build()
    {
        var files = new Argument<string[]>("notebooks") { Description = "The .ipynb files to run", Arity = ArgumentArity.OneOrMore };
        var parameters = new Option<string[]>("--parameter", "-p") { Description = "Set a parameter of the cell tagged 'parameters': -p steps=200 -p preset=tiny", AllowMultipleArgumentsPerToken = false };
        var timeout = new Option<int>("--timeout") { Description = "Seconds each notebook may take before it is stopped", DefaultValueFactory = _ => 1800 };
        var output = new Option<string?>("--output", "-o") { Description = "Folder for the results: <folder>/<notebook>/ (default: results/local/ beside notebooks/, with --publish results/)" };
        var verbose = new Option<bool>("--verbose") { Description = "Echo each cell's output while it runs" };
        var publish = new Option<bool>("--publish") { Description = "Write the committed page results/<notebook>/ (a named preset, not tiny); without it results go to results/local/<notebook>/ (git-ignored)" };
        var inProcess = new Option<bool>("--in-process") { Description = "Run in this process (one notebook; used by the child process)", Hidden = true };
        var run = new Command("run", "Execute notebooks headlessly; write the executed .ipynb and an HTML report")
        {
            files, parameters, timeout, output, verbose, publish, inProcess,
        };
        run.SetAction(result =>
        {
            var notebooks = result.GetValue(files)!;
            var values = NotebookParameters.Parse(result.GetValue(parameters) ?? []);
            foreach (var nb in notebooks)
                if (!File.Exists(nb)) throw new FileNotFoundException($"notebook not found: {nb}");
            if (result.GetValue(inProcess))
            {
                if (notebooks.Length != 1) throw new ArgumentException("--in-process runs exactly one notebook");
                var nb = notebooks[0];
                var publishing = NotebookOutputs.Publishing(values, result.GetValue(publish));
                var options = new NotebookRunOptions(nb, NotebookOutputs.Directory(nb, result.GetValue(output), publishing))
                {
                    Parameters = NotebookOutputs.WithResultsDir(nb, values, result.GetValue(output), publishing),
                    Verbose = result.GetValue(verbose),
                };
                var outcome = NotebookRunner.RunAsync(options).GetAwaiter().GetResult();
                Console.WriteLine($"{Path.GetFileName(nb)}: {(outcome.Succeeded ? "ok" : "FAILED")} in {outcome.Cells.Sum(c => c.Seconds):F1} s -> {Rel(outcome.ExecutedNotebook)}, {Rel(outcome.HtmlReport)}");
                if (!outcome.Succeeded) throw new NotebookFailedException(outcome.Error!);
                return 0;
            }

            if (NotebookOutputs.Publishing(values, result.GetValue(publish)))   // a publish run that cannot publish stops before any runs
                foreach (var nb in notebooks) NotebookOutputs.WithResultsDir(nb, values, result.GetValue(output), true);
            var (self, prefix) = NotebookProcess.Self();
            var failed = new List<string>();
            foreach (var nb in notebooks)
            {
                var args = new List<string>(prefix) { "notebook", "run", nb, "--in-process", "--timeout", result.GetValue(timeout).ToString() };
                foreach (var (k, v) in values) args.AddRange(["-p", $"{k}={v}"]);
                if (result.GetValue(output) is { } o) args.AddRange(["--output", o]);
                if (result.GetValue(verbose)) args.Add("--verbose");
                if (result.GetValue(publish)) args.Add("--publish");
                int code;
                string status = Path.Combine(Path.GetTempPath(), $"workbench-notebook-{Environment.ProcessId}-{Guid.NewGuid():N}.status");
                try
                {
                    code = NotebookProcess.Run(self, args, TimeSpan.FromSeconds(result.GetValue(timeout)), Path.GetFileName(nb),
                        new Dictionary<string, string> { [NotebookProcess.StatusVariable] = status });
                }
                catch (TimeoutException e) { Console.Error.WriteLine($"error: {e.Message}"); code = -1; }
                string? why = NotebookProcess.Explain(code, status);
                File.Delete(status);
                if (why is not null) Console.Error.WriteLine($"error: {Path.GetFileName(nb)}: {why}");
                if (code != 0) failed.Add(Path.GetFileName(nb) + (why is not null ? $" ({why})" : ""));
            }
            if (failed.Count > 0) throw new NotebookFailedException($"{failed.Count} of {notebooks.Length} notebook(s) failed: {string.Join(", ", failed)}");
            return 0;
        });
        return new Command("notebook", "Run .NET Interactive notebooks headlessly") { run };
    }

    static string Rel(string path) => Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
}
