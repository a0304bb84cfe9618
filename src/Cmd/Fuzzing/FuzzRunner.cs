using System.Diagnostics;
using System.Globalization;
using TorchSharp;

namespace Cmd.Fuzzing;

/// <summary>
/// Runs a target over generated inputs. <see cref="RunInProcess"/> (the test suite, and the worker of a long run)
/// catches every exception and times each input out; <see cref="RunInChildren"/> (the `workbench fuzz` command) runs
/// the inputs in a worker process so that a native abort or a stack overflow is counted as a process death and the
/// run goes on with the next input in a new worker.
/// </summary>
public static class FuzzRunner
{
    /// <summary>The generator of input <paramref name="index"/> of a run with <paramref name="seed"/>: any input can be made again alone.</summary>
    public static Random RandomFor(long seed, int index) => new(unchecked((int)(seed * 1_000_003 + index * 7_919L + 17)));

    /// <summary>Runs inputs [from, from + count) in this process; stops after a hang (the hung thread cannot be stopped).</summary>
    public static void RunInProcess(IFuzzTarget target, string workDirectory, int from, int count, long seed, TimeSpan timeout,
        Action<FuzzResult> onResult)
    {
        target.Prepare(workDirectory);
        string inputs = Path.Combine(workDirectory, "input");
        for (int i = from; i < from + count; i++)
        {
            FuzzInput input;
            using (torch.NewDisposeScope()) input = target.Generate(RandomFor(seed, i)); // every temporary tensor is held, then freed

            if (Directory.Exists(inputs)) Directory.Delete(inputs, recursive: true);
            Directory.CreateDirectory(inputs);
            foreach (var (name, bytes) in input.Files) File.WriteAllBytes(Path.Combine(inputs, name), bytes);
            var task = Task.Factory.StartNew(() =>
            {
                // a dispose scope on this thread: temporaries stay referenced until the input is done (the GC frees none mid-call)
                try { using var scope = torch.NewDisposeScope(); return target.Run(inputs); }
                catch (Exception e) { return (FuzzOutcome.UnexpectedException, $"{e.GetType().Name}: {OneLine(e.Message)}"); }
            }, TaskCreationOptions.LongRunning);
            if (!task.Wait(timeout))
            {
                onResult(new FuzzResult(i, input.Mutation, FuzzOutcome.Hang, $"no answer in {timeout.TotalSeconds:F0} s"));
                return;
            }
            var (outcome, detail) = task.Result;
            onResult(new FuzzResult(i, input.Mutation, outcome, detail));
        }
    }

    /// <summary>A whole run in this process, counted.</summary>
    public static FuzzReport Run(IFuzzTarget target, string workDirectory, int count, long seed, TimeSpan timeout)
    {
        var report = new FuzzReport(target.Name, target.TextFormat);
        var clock = Stopwatch.StartNew();
        RunInProcess(target, workDirectory, 0, count, seed, timeout, report.Add);
        report.Seconds = clock.Elapsed.TotalSeconds;
        return report;
    }

    /// <summary>The line a worker prints per input.</summary>
    public static string Line(FuzzResult r) =>
        $"FUZZ\t{r.Index.ToString(CultureInfo.InvariantCulture)}\t{r.Outcome}\t{OneLine(r.Mutation)}\t{OneLine(r.Detail ?? "")}";

    static FuzzResult? Parse(string line)
    {
        var p = line.Split('\t');
        if (p.Length < 5 || p[0] != "FUZZ" || !int.TryParse(p[1], CultureInfo.InvariantCulture, out int i) || !Enum.TryParse<FuzzOutcome>(p[2], out var o)) return null;
        return new FuzzResult(i, p[3], o, p[4].Length > 0 ? p[4] : null);
    }

    /// <summary>
    /// Runs inputs [0, count) in worker processes started by <paramref name="worker"/>(from, count), which print one
    /// <see cref="Line"/> per input. A worker that ends early has died on the next input (a process death); one that
    /// prints nothing for <paramref name="silence"/> is killed (a hang). Either way a new worker goes on after it.
    /// </summary>
    public static FuzzReport RunInChildren(string target, bool textFormat, int count, Func<int, int, ProcessStartInfo> worker,
        TimeSpan silence, Action<FuzzReport>? progress = null)
    {
        var report = new FuzzReport(target, textFormat);
        var clock = Stopwatch.StartNew();
        int next = 0;
        while (next < count)
        {
            var info = worker(next, count - next);
            info.RedirectStandardOutput = true;
            info.UseShellExecute = false;
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start the fuzz worker {info.FileName}");
            var lines = new System.Collections.Concurrent.BlockingCollection<string?>();
            var reader = Task.Run(() => { string? l; while ((l = process.StandardOutput.ReadLine()) is not null) lines.Add(l); lines.Add(null); });
            bool ended = false;
            while (!ended)
            {
                if (!lines.TryTake(out var line, silence))
                {
                    process.Kill(entireProcessTree: true);
                    report.Add(new FuzzResult(next, "(in a worker)", FuzzOutcome.Hang, $"worker silent for {silence.TotalSeconds:F0} s"));
                    next++;
                    break;
                }
                if (line is null) { ended = true; break; }
                if (Parse(line) is not { } r) continue;
                report.Add(r);
                next = r.Index + 1;
                if (r.Outcome == FuzzOutcome.Hang) break; // the worker exits after a hang
                if (report.Inputs % 500 == 0) progress?.Invoke(report);
            }
            process.WaitForExit();
            reader.Wait(TimeSpan.FromSeconds(5));
            if (ended && next < count && process.ExitCode != 0)
            {
                report.Add(new FuzzResult(next, "(in a worker)", FuzzOutcome.ProcessDeath, $"worker exit code {process.ExitCode}"));
                next++;
            }
            else if (ended && next < count && process.ExitCode == 0)
                throw new InvalidOperationException($"fuzz worker ended at input {next} of {count} with exit code 0");
        }
        report.Seconds = clock.Elapsed.TotalSeconds;
        return report;
    }

    public static string OneLine(string s) => s.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');

    /// <summary>Whether <paramref name="e"/> names a file in <paramref name="directory"/> (a clean rejection names its file).</summary>
    public static bool NamesFileIn(Exception e, string directory) => e.Message.Contains(directory, StringComparison.Ordinal);
}
