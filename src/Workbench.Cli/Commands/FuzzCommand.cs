using System.CommandLine;
using System.Diagnostics;
using Cmd.Fuzzing;
using Workbench.Notebooks;

namespace Workbench.Cli.Commands;

/// <summary>
/// `workbench fuzz &lt;target&gt; --count N [--seed S]`: feeds a reader N generated hostile inputs and counts what happened
/// (accepted-identical, clean rejections, anything else). Inputs run in a worker process (this program with --worker),
/// so a native abort counts as a process death and the run goes on; --in-process runs them here instead.
/// </summary>
public sealed class FuzzCommand : ICommandGroup
{
    static FuzzCommand() => FuzzTargets.Register("ipynb", () => new NotebookFuzzTarget());

    public Command Build()
    {
        var target = new Argument<string>("target") { Description = $"What to fuzz: {string.Join(", ", FuzzTargets.Names)}" };
        var count = new Option<int>("--count") { Description = "Inputs to generate", DefaultValueFactory = _ => 1000 };
        var seed = new Option<long>("--seed") { Description = "Seed of the inputs (input i of a seed is always the same)", DefaultValueFactory = _ => 1 };
        var timeout = new Option<double>("--timeout") { Description = "Seconds one input may take before it counts as a hang", DefaultValueFactory = _ => 10 };
        var work = new Option<string?>("--work") { Description = "Work folder (default: a temp folder, removed afterwards)" };
        var inProcess = new Option<bool>("--in-process") { Description = "Run the inputs in this process (a process death ends the run)" };
        var worker = new Option<bool>("--worker") { Description = "Internal: print one line per input", Hidden = true };
        var from = new Option<int>("--from") { Description = "Internal: first input index", Hidden = true };
        var c = new Command("fuzz", "Feed a reader generated hostile inputs and count the outcomes") { target, count, seed, timeout, work, inProcess, worker, from };
        c.SetAction(r =>
        {
            string name = r.GetValue(target)!;
            int n = r.GetValue(count);
            if (n < 1) throw new ArgumentException($"--count must be positive (got {n})");
            var limit = TimeSpan.FromSeconds(r.GetValue(timeout));
            string dir = r.GetValue(work) ?? Path.Combine(Path.GetTempPath(), $"workbench-fuzz-{name}-{Environment.ProcessId}");
            bool temporary = r.GetValue(work) is null;
            try
            {
                if (r.GetValue(worker)) return Worker(name, dir, r.GetValue(from), n, r.GetValue(seed), limit);
                using var probe = FuzzTargets.Create(name);
                FuzzReport report;
                if (r.GetValue(inProcess))
                {
                    using var t = FuzzTargets.Create(name);
                    report = FuzzRunner.Run(t, dir, n, r.GetValue(seed), limit);
                }
                else
                {
                    var (self, prefix) = NotebookProcess.Self();
                    report = FuzzRunner.RunInChildren(probe.Name, probe.TextFormat, n, (first, left) =>
                    {
                        var info = new ProcessStartInfo(self);
                        foreach (var a in prefix.Concat(["fuzz", name, "--worker", "--from", first.ToString(), "--count", left.ToString(),
                                     "--seed", r.GetValue(seed).ToString(), "--timeout", r.GetValue(timeout).ToString(System.Globalization.CultureInfo.InvariantCulture),
                                     "--work", Path.Combine(dir, "worker")]))
                            info.ArgumentList.Add(a);
                        return info;
                    }, limit * 3 + TimeSpan.FromSeconds(120), p => Console.Error.Write($"\rfuzz {name}: {p.Inputs}/{n}"));
                    Console.Error.WriteLine();
                }
                Console.WriteLine($"{probe.Description}; seed {r.GetValue(seed)}");
                foreach (var line in report.Lines()) Console.WriteLine(line);
                return report.Faults == 0 ? 0 : 2;
            }
            finally
            {
                if (temporary && !r.GetValue(worker) && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
        });
        return c;
    }

    /// <summary>The worker: runs its inputs and prints one line each; after a hang it exits (the hung thread cannot be stopped).</summary>
    static int Worker(string name, string dir, int from, int count, long seed, TimeSpan timeout)
    {
        using var target = FuzzTargets.Create(name);
        bool hung = false;
        FuzzRunner.RunInProcess(target, dir, from, count, seed, timeout, result =>
        {
            Console.WriteLine(FuzzRunner.Line(result));
            Console.Out.Flush();
            hung |= result.Outcome == FuzzOutcome.Hang;
        });
        if (hung) Environment.Exit(3);
        return 0;
    }
}
