using System.Globalization;
using System.Diagnostics;

namespace Cmd.Studies;

/// <summary>
/// Runs a study's unfinished cells on this machine: one after another, or <c>jobs</c> at a time with the threads split
/// between them. Every cell is its own `workbench sweep cell` process (its log in runs/&lt;study&gt;/logs/), so a native
/// crash loses one cell, not the sweep. Killed and started again, it skips done cells, leaves cells another process is
/// running (also those another `sweep run` on the same folder takes while this one waits), and resumes the others from their checkpoints. A cell that fails is started once more (it resumes from its
/// checkpoints, so a failure after training costs only the scoring again): errors that do not repeat (a killed
/// process, a libtorch error such as the one Runtime.ScalarLifetimeGuard prevents) lose no cell. Ctrl-C stops the children it started.
/// </summary>
public static class LocalBackend
{
    public sealed record Summary(int Done, int Ran, int Failed, int Elsewhere);

    /// <summary>
    /// What the pages and notebooks tell a reader to run (`--jobs 1 --threads 2`): one cell at a time on both cores of a
    /// 2-core laptop, which are `workbench sweep run`'s defaults there (--jobs 1, --threads = the machine's cores).
    /// </summary>
    public const int LaptopJobs = 1, LaptopThreads = 2;

    /// <summary>How often one `sweep run` starts a cell that keeps failing (a second `sweep run` tries it again).</summary>
    public const int Attempts = 2;

    /// <summary>`--jobs J --threads T` as `workbench sweep run` takes them.</summary>
    public static IReadOnlyList<string> Arguments(int jobs, int threads) =>
        ["--jobs", jobs.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture)];

    public static Summary Run(StudyPlan plan, CellCommand command, int jobs, int threads, Action<string> log)
    {
        if (jobs < 1) throw new ArgumentException($"--jobs must be >= 1 (got {jobs})");
        int perCell = Math.Max(1, threads / jobs);
        var rows = StudyStatus.Of(plan);
        var queue = new Queue<StudyCell>(rows.Where(r => r.State is "pending" or "started" or "failed").Select(r => r.Cell));
        int done = rows.Count(r => r.State == "done"), elsewhere = rows.Count(r => r.State == "running");
        log($"{plan.Study.Name}: {StudyStatus.Summary(rows)}; running {queue.Count} here, {Math.Min(jobs, Math.Max(1, queue.Count))} at a time, " +
            $"{perCell} threads each");
        Directory.CreateDirectory(plan.LogFolder);
        var running = new List<(StudyCell Cell, Process Process, StreamWriter Writer, Stopwatch Clock, string Log)>();
        int ran = 0, failed = 0;
        var tries = new Dictionary<int, int>();
        void CountTaken(string state) { if (state == "done") done++; else elsewhere++; }
        ConsoleCancelEventHandler stop = (_, e) =>
        {
            lock (running) foreach (var r in running) try { r.Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        };
        Console.CancelKeyPress += stop;
        try
        {
            while (queue.Count > 0 || running.Count > 0)
            {
                while (running.Count < jobs && queue.Count > 0)
                {
                    var cell = queue.Dequeue();
                    if (TakenElsewhere(plan, cell, log) is { } taken) { CountTaken(taken); continue; }
                    tries[cell.Index] = tries.GetValueOrDefault(cell.Index) + 1;
                    var path = Path.Combine(plan.LogFolder, $"cell-{cell.Index}.log");
                    var (process, writer) = Start(command, cell, perCell, path);
                    lock (running) running.Add((cell, process, writer, Stopwatch.StartNew(), path));
                    log($"cell {cell.Index} ({cell.Label}): started, log {path}");
                }
                Thread.Sleep(200);
                foreach (var r in running.Where(r => r.Process.HasExited).ToList())
                {
                    lock (running) running.Remove(r);
                    r.Process.WaitForExit(); // the rest of its output
                    lock (r.Writer) r.Writer.Dispose();
                    var result = plan.Done(r.Cell);
                    if (result is not null && r.Process.ExitCode == 0)
                    {
                        ran++;
                        log($"cell {r.Cell.Index} ({r.Cell.Label}): done in {r.Clock.Elapsed.TotalSeconds:F0} s: " +
                            string.Join(", ", result.Metrics.Select(m => $"{m.Key} {SpreadFormat.Value(m.Value)}")));
                    }
                    else if (TakenElsewhere(plan, r.Cell, log) is { } taken) CountTaken(taken); // lost the race for its lock
                    else if (tries[r.Cell.Index] < Attempts)
                    {
                        queue.Enqueue(r.Cell);
                        log($"cell {r.Cell.Index} ({r.Cell.Label}): failed (exit {r.Process.ExitCode}): {LastLine(r.Log)}; starting it " +
                            $"again, from its checkpoints (attempt {tries[r.Cell.Index] + 1} of {Attempts}; log {r.Log})");
                    }
                    else
                    {
                        failed++;
                        log($"cell {r.Cell.Index} ({r.Cell.Label}): FAILED (exit {r.Process.ExitCode}, {Attempts} attempts): {LastLine(r.Log)} " +
                            $"(log {r.Log})");
                    }
                    r.Process.Dispose();
                }
            }
        }
        finally { Console.CancelKeyPress -= stop; }
        return new Summary(done + ran, ran, failed, elsewhere);
    }

    /// <summary>"done" or "running" (and says so) when another process finished the cell or took its lock since the queue was made.</summary>
    static string? TakenElsewhere(StudyPlan plan, StudyCell cell, Action<string> log)
    {
        var state = StudyStatus.Of(plan, cell).State;
        if (state == "done") log($"cell {cell.Index} ({cell.Label}): done by another process meanwhile");
        else if (state == "running") log($"cell {cell.Index} ({cell.Label}): running in another process, left to it");
        return state is "done" or "running" ? state : null;
    }

    static (Process, StreamWriter) Start(CellCommand command, StudyCell cell, int threads, string logPath)
    {
        var args = command.Cell(cell.Index.ToString(), "--expect-key", cell.Key, "--threads", threads.ToString());
        var info = new ProcessStartInfo(args[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args.Skip(1)) info.ArgumentList.Add(a);
        info.Environment["OMP_NUM_THREADS"] = threads.ToString();
        info.Environment["MKL_NUM_THREADS"] = threads.ToString();
        var writer = new StreamWriter(logPath, append: true) { AutoFlush = true };
        writer.WriteLine($"# {DateTimeOffset.Now:u} {string.Join(' ', args.Select(CellCommand.Quote))}");
        var p = new Process { StartInfo = info };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return (p, writer);
    }

    static string LastLine(string path)
    {
        try { return File.ReadLines(path).LastOrDefault(l => l.Trim().Length > 0) ?? "(empty log)"; }
        catch (IOException) { return "(no log)"; }
    }
}
