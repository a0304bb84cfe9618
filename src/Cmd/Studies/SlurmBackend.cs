using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Cmd.Studies;

/// <summary>sbatch settings from the command line; each one given replaces the study's.</summary>
public sealed record SlurmOptions
{
    public string? Partition { get; init; }
    public string? Time { get; init; }
    public int? CpusPerTask { get; init; }
    public string? Gres { get; init; }
    public string? Memory { get; init; }
    /// <summary>More `#SBATCH` lines (added after the study's).</summary>
    public IReadOnlyList<string> Extra { get; init; } = [];
    /// <summary>False: write the scripts and print how to submit them, submit nothing.</summary>
    public bool Submit { get; init; } = true;
}

/// <summary>One submission: the array job (one task per unfinished cell) and the collect job chained after it.</summary>
public sealed record SlurmSubmission(string Script, string CollectScript, string? ArrayJob, string? CollectJob, int[] Cells, DateTimeOffset Submitted);

/// <summary>
/// Runs a study on a Slurm cluster: writes an sbatch array script with one task per unfinished cell (each task runs
/// `workbench sweep cell &lt;study&gt; $SLURM_ARRAY_TASK_ID` and refuses to run if the study changed since), submits it,
/// chains `workbench sweep collect` with --dependency=afterok and --kill-on-invalid-dep=yes (a failed cell cancels the
/// collect instead of leaving it pending forever), and reads job states back through squeue and scontrol; scancel stops
/// them. Submissions are recorded in runs/&lt;study&gt;/slurm/submissions.jsonl.
/// </summary>
public static class SlurmBackend
{
    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Scripts, task logs and submissions of a study (by name: studies given one --runs folder stay apart).</summary>
    public static string Folder(StudyPlan plan) => Path.Combine(plan.RunsDirectory, "slurm", plan.Study.Name);

    public static SlurmSubmission Submit(StudyPlan plan, CellCommand command, SlurmOptions options, Action<string> log)
    {
        var todo = StudyStatus.Of(plan).Where(r => r.State is "pending" or "started" or "failed").Select(r => r.Cell).ToList();
        var folder = Folder(plan);
        Directory.CreateDirectory(folder);
        var stamp = DateTimeOffset.Now.ToString("yyyyMMdd-HHmmss");
        var script = Path.Combine(folder, $"cells-{stamp}.sbatch");
        var collect = Path.Combine(folder, $"collect-{stamp}.sbatch");
        var settings = Settings(plan.Study.Slurm, options);
        if (todo.Count > 0) File.WriteAllText(script, ArrayScript(plan, command, todo, settings, folder));
        File.WriteAllText(collect, CollectScript(plan, command, settings, folder));
        if (!options.Submit)
        {
            log(todo.Count > 0 ? $"wrote {script} ({todo.Count} tasks) and {collect}; submit with:\n" +
                $"  jid=$(sbatch --parsable {script}) && sbatch --dependency=afterok:$jid --kill-on-invalid-dep=yes {collect}"
                : $"every cell is done; wrote {collect} (sbatch {collect} to collect)");
            return new SlurmSubmission(script, collect, null, null, todo.Select(c => c.Index).ToArray(), DateTimeOffset.Now);
        }
        string? array = null;
        if (todo.Count > 0)
        {
            array = JobId(Slurm.Run("sbatch", ["--parsable", script]));
            log($"submitted array job {array}: {todo.Count} cells ({string.Join(",", todo.Select(c => c.Index))}) of {plan.Cells.Count}; script {script}");
        }
        else log($"every cell of {plan.Study.Name} is done; submitting the collect job alone");
        var collectArgs = array is null ? new List<string> { "--parsable", collect }
            : ["--parsable", $"--dependency=afterok:{array}", "--kill-on-invalid-dep=yes", collect];
        var collectJob = JobId(Slurm.Run("sbatch", collectArgs));
        log($"submitted collect job {collectJob}" + (array is null ? "" : $" (after array job {array} succeeds)"));
        var submission = new SlurmSubmission(todo.Count > 0 ? script : "", collect, array, collectJob, todo.Select(c => c.Index).ToArray(), DateTimeOffset.Now);
        File.AppendAllText(Path.Combine(folder, "submissions.jsonl"), JsonSerializer.Serialize(submission, Json) + "\n");
        return submission;
    }

    /// <summary>The study's settings with the command line's on top.</summary>
    public static SlurmSettings Settings(SlurmSettings study, SlurmOptions o) => study with
    {
        Partition = o.Partition ?? study.Partition, Time = o.Time ?? study.Time, CpusPerTask = o.CpusPerTask ?? study.CpusPerTask,
        Gres = o.Gres ?? study.Gres, Memory = o.Memory ?? study.Memory, Extra = [.. study.Extra, .. o.Extra],
    };

    static string Header(string name, SlurmSettings s, string output, int cpus)
    {
        var sb = new StringBuilder("#!/bin/bash\n");
        sb.AppendLine($"#SBATCH --job-name={name}");
        sb.AppendLine($"#SBATCH --cpus-per-task={cpus}");
        sb.AppendLine($"#SBATCH --time={s.Time}");
        sb.AppendLine($"#SBATCH --output={output}");
        if (s.Partition is { Length: > 0 }) sb.AppendLine($"#SBATCH --partition={s.Partition}");
        if (s.Memory is { Length: > 0 }) sb.AppendLine($"#SBATCH --mem={s.Memory}");
        return sb.ToString();
    }

    static string ArrayScript(StudyPlan plan, CellCommand command, IReadOnlyList<StudyCell> cells, SlurmSettings s, string folder)
    {
        var sb = new StringBuilder(Header($"sweep-{plan.Study.Name}", s, Path.Combine(folder, "cell-%a-%A.out"), s.CpusPerTask));
        sb.AppendLine($"#SBATCH --array={string.Join(",", cells.Select(c => c.Index))}");
        if (s.Gres is { Length: > 0 }) sb.AppendLine($"#SBATCH --gres={s.Gres}");
        foreach (var line in s.Extra) sb.AppendLine($"#SBATCH {line}");
        sb.AppendLine($"# {plan.Study.Name}: one task per unfinished cell of {command.Study} ({cells.Count} of {plan.Cells.Count}),");
        sb.AppendLine($"# written {DateTimeOffset.Now:u} by `{command.RunLine("slurm")}`.");
        sb.AppendLine("set -euo pipefail");
        sb.AppendLine("declare -A key=(" + string.Join(" ", cells.Select(c => $"[{c.Index}]={c.Key}")) + ")");
        sb.AppendLine($"cd {CellCommand.Quote(Directory.GetCurrentDirectory())}");
        sb.AppendLine("threads=${SLURM_CPUS_PER_TASK:-1}");
        sb.AppendLine("export OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads");
        sb.AppendLine("export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1"); // ScalarLifetimeGuard
        var cell = command.Cell("$SLURM_ARRAY_TASK_ID", "--expect-key", "${key[$SLURM_ARRAY_TASK_ID]}", "--threads", "$threads");
        sb.AppendLine("exec " + string.Join(" ", cell.Select(a => a.StartsWith('$') ? $"\"{a}\"" : CellCommand.Quote(a))));
        return sb.ToString();
    }

    static string CollectScript(StudyPlan plan, CellCommand command, SlurmSettings s, string folder)
    {
        var sb = new StringBuilder(Header($"collect-{plan.Study.Name}", s with { Time = "01:00:00" }, Path.Combine(folder, "collect-%j.out"), 1));
        foreach (var line in s.Extra) sb.AppendLine($"#SBATCH {line}");
        sb.AppendLine($"# Collects {plan.Study.Name} into {plan.ResultsDirectory} once every cell task succeeded.");
        sb.AppendLine("set -euo pipefail");
        sb.AppendLine($"cd {CellCommand.Quote(Directory.GetCurrentDirectory())}");
        sb.AppendLine("exec " + string.Join(" ", command.Collect().Select(CellCommand.Quote)));
        return sb.ToString();
    }

    static string JobId(string parsable)
    {
        var id = parsable.Trim().Split(';')[0];
        if (id.Length == 0 || !id.All(char.IsDigit)) throw new StudyException($"sbatch answered '{parsable.Trim()}', not a job id");
        return id;
    }

    /// <summary>The submissions recorded for the study, oldest first.</summary>
    public static IReadOnlyList<SlurmSubmission> Submissions(StudyPlan plan)
    {
        var path = Path.Combine(Folder(plan), "submissions.jsonl");
        return File.Exists(path)
            ? File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l => JsonSerializer.Deserialize<SlurmSubmission>(l, Json)!).ToList()
            : [];
    }

    /// <summary>Slurm's state of each job and array task of a submission: squeue for live ones, scontrol for finished ones.</summary>
    public static Dictionary<string, string> States(SlurmSubmission s)
    {
        var states = new Dictionary<string, string>();
        var ids = new[] { s.ArrayJob, s.CollectJob }.OfType<string>().ToArray();
        if (ids.Length == 0) return states;
        foreach (var line in Slurm.Run("squeue", ["-h", "-r", "-j", string.Join(",", ids), "-o", "%i|%T|%r"], allowFailure: true).Split('\n'))
        {
            var f = line.Trim().Split('|');
            if (f.Length >= 2) states[f[0]] = f[1] + (f.Length > 2 && f[2] is { Length: > 0 } r && r != "None" ? $" ({r})" : "");
        }
        foreach (var id in ids)
            foreach (var line in Slurm.Run("scontrol", ["-o", "show", "job", id], allowFailure: true).Split('\n'))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(x => x.Split('=', 2)).Where(x => x.Length == 2)
                    .GroupBy(x => x[0]).ToDictionary(g => g.Key, g => g.First()[1]);
                if (!fields.TryGetValue("JobState", out var state)) continue;
                var task = fields.GetValueOrDefault("ArrayTaskId");
                var text = state + (fields.GetValueOrDefault("ExitCode") is { } e && e != "0:0" ? $" (exit {e})" : "");
                if (task is null || task == "N/A") states.TryAdd(id, text);
                else foreach (var t in ArrayTasks(task)) states.TryAdd($"{id}_{t}", text);
            }
        return states;
    }

    /// <summary>
    /// The task ids of an ArrayTaskId field: "3", or a record of tasks that never started, e.g. "0-5", "0,2-4" or
    /// "0-9%2" (a throttled array); scontrol shows array tasks cancelled while pending as one such record.
    /// </summary>
    public static IEnumerable<int> ArrayTasks(string field)
    {
        foreach (var part in field.Split('%')[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split(':')[0].Split('-');
            if (!int.TryParse(range[0], out var first)) continue;
            int last = range.Length > 1 && int.TryParse(range[1], out var l) ? l : first;
            for (int t = first; t <= last; t++) yield return t;
        }
    }

    /// <summary>scancel for the jobs of the last submission; returns the ids it cancelled.</summary>
    public static IReadOnlyList<string> Cancel(StudyPlan plan)
    {
        var last = Submissions(plan).LastOrDefault() ?? throw new StudyException($"{plan.Study.Name} has no Slurm submission ({Folder(plan)}/submissions.jsonl)");
        var ids = new[] { last.ArrayJob, last.CollectJob }.OfType<string>().ToArray();
        Slurm.Run("scancel", ids);
        return ids;
    }

    /// <summary>Runs one Slurm client command; a missing client or a failure is a one-line error.</summary>
    public static class Slurm
    {
        public static string Run(string program, IReadOnlyList<string> args, bool allowFailure = false)
        {
            var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) info.ArgumentList.Add(a);
            Process p;
            try { p = Process.Start(info)!; }
            catch (System.ComponentModel.Win32Exception)
            {
                throw new StudyException($"{program} not found: run this on a Slurm login node (slurm-client; SLURM_CONF set), or use --backend local");
            }
            using (p)
            {
                var stdout = p.StandardOutput.ReadToEndAsync();
                var stderr = p.StandardError.ReadToEndAsync();
                if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
                {
                    p.Kill(entireProcessTree: true);
                    throw new StudyException($"{program} {string.Join(' ', args)} did not answer in 2 minutes");
                }
                if (p.ExitCode != 0 && !allowFailure)
                    throw new StudyException($"{program} {string.Join(' ', args)} failed (exit {p.ExitCode}): {stderr.Result.Trim()}");
                return stdout.Result;
            }
        }
    }
}
