using System.CommandLine;
using Cmd.Studies;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

/// <summary>
/// `workbench sweep run|status|collect|cancel|cell &lt;study&gt;`: a study file (studies/*.json) expanded into cells,
/// run locally or as a Slurm job array, collected into results/&lt;study&gt;/README.md (Cmd.Studies).
/// </summary>
public sealed class SweepCommand : ICommandGroup
{
    readonly Argument<string> study = new("study") { Description = "Study file, e.g. studies/table4b.json" };

    // ---- changes to the study (another dataset, preset, seeds, any field); an overridden study gets its own name ----
    readonly Option<string?> dataset = new("--dataset") { Description = "Dataset instead of the study's: mmnist, opencv, ucf101, webvid, folder" };
    readonly Option<string?> root = new("--root") { Description = "Dataset folder (ucf101, webvid, folder)" };
    readonly Option<int?> channels = new("--channels") { Description = "Frame channels: 1 (grey) or 3 (RGB)" };
    readonly Option<string?> preset = new("--preset") { Description = "Preset instead of the study's (e.g. ucf101-pixel)" };
    readonly Option<string?> seeds = new("--seeds") { Description = "Seeds instead of the study's, e.g. 0,1,2,3,4" };
    readonly Option<string[]> set = new("--set") { Description = "Change any study field: path=value (e.g. steps.autoencoder=20000); repeatable", AllowMultipleArgumentsPerToken = false };
    readonly Option<string?> results = new("--results") { Description = "Folder for the page and done markers (default: the study's, results/<study>)" };
    readonly Option<string?> runs = new("--runs") { Description = "Folder for the cells' run folders (default: runs/studies/<study>)" };

    public Command Build()
    {
        var command = new Command("sweep", "Studies (studies/*.json) as cells: run them locally or as a Slurm job array, see their status, collect the page");
        command.Subcommands.Add(Run());
        command.Subcommands.Add(Status());
        command.Subcommands.Add(Collect());
        command.Subcommands.Add(Cancel());
        command.Subcommands.Add(Cell());
        return command;
    }

    Command With(Command c)
    {
        c.Arguments.Add(study);
        foreach (var o in new Option[] { dataset, root, channels, preset, seeds, set, results, runs }) c.Options.Add(o);
        return c;
    }

    StudyOverrides Overrides(ParseResult r) => new()
    {
        Dataset = r.GetValue(dataset), Root = r.GetValue(root), Channels = r.GetValue(channels), Preset = r.GetValue(preset),
        Seeds = r.GetValue(seeds) is string s ? StudyOverrides.ParseSeeds(s) : null, Set = r.GetValue(set) ?? [],
        Results = r.GetValue(results), Runs = r.GetValue(runs),
    };

    /// <summary>How to start this CLI again: the apphost, or dotnet with workbench.dll; with the device given.</summary>
    CellCommand CommandFor(ParseResult r)
    {
        var dll = typeof(SweepCommand).Assembly.Location;
        var host = Environment.ProcessPath ?? "dotnet";
        List<string> program = Path.GetFileNameWithoutExtension(host) == "dotnet" ? [host, dll] : [host];
        program.AddRange(["--device", r.GetValue(GlobalOptions.Device)!]);
        return new CellCommand(program, r.GetValue(study)!, Overrides(r).Arguments()); // the options that changed the study, passed on
    }

    StudyPlan Plan(ParseResult r) => StudyPlan.Load(r.GetValue(study)!, Overrides(r));

    Command Run()
    {
        var backend = new Option<string>("--backend") { Description = "local (this machine) or slurm (a job array)", DefaultValueFactory = _ => "local" };
        backend.AcceptOnlyFromAmong("local", "slurm");
        var jobs = new Option<int>("--jobs") { Description = "local: cells at a time", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "local: threads in all (split between the jobs)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var partition = new Option<string?>("--partition") { Description = "slurm: partition" };
        var time = new Option<string?>("--time") { Description = "slurm: time limit per cell (e.g. 04:00:00)" };
        var cpus = new Option<int?>("--cpus-per-task") { Description = "slurm: CPUs per cell (also its threads)" };
        var gres = new Option<string?>("--gres") { Description = "slurm: generic resources per cell, e.g. gpu:1" };
        var mem = new Option<string?>("--mem") { Description = "slurm: memory per cell, e.g. 16G" };
        var sbatch = new Option<string[]>("--sbatch") { Description = "slurm: another #SBATCH line, e.g. --sbatch=--account=vision (repeatable)" };
        var noSubmit = new Option<bool>("--no-submit") { Description = "slurm: write the scripts, print how to submit them" };
        var c = With(new Command("run", "Run the study's unfinished cells (finished cells are never run again)")
            { backend, jobs, threads, partition, time, cpus, gres, mem, sbatch, noSubmit });
        c.SetAction(r =>
        {
            var plan = Plan(r);
            var command = CommandFor(r);
            if (r.GetValue(backend) == "slurm")
            {
                SlurmBackend.Submit(plan, command, new SlurmOptions
                {
                    Partition = r.GetValue(partition), Time = r.GetValue(time), CpusPerTask = r.GetValue(cpus), Gres = r.GetValue(gres),
                    Memory = r.GetValue(mem), Extra = r.GetValue(sbatch) ?? [], Submit = !r.GetValue(noSubmit),
                }, Console.WriteLine);
                return 0;
            }
            var summary = LocalBackend.Run(plan, command, r.GetValue(jobs), r.GetValue(threads), Console.WriteLine);
            Console.WriteLine($"{plan.Study.Name}: {summary.Done} of {plan.Cells.Count} cells done ({summary.Ran} now" +
                (summary.Failed > 0 ? $", {summary.Failed} failed" : "") + (summary.Elsewhere > 0 ? $", {summary.Elsewhere} running elsewhere" : "") + ")");
            if (summary.Done == plan.Cells.Count) WriteReport(plan, command);
            else Console.WriteLine($"collect when done: {command.CollectLine()}");
            return summary.Failed > 0 ? 1 : 0;
        });
        return c;
    }

    Command Status()
    {
        var c = With(new Command("status", "Each cell: done, running, started or pending, with its metrics; Slurm job states (squeue, scontrol)"));
        c.SetAction(r =>
        {
            var plan = Plan(r);
            var rows = StudyStatus.Of(plan);
            var last = SlurmBackend.Submissions(plan).LastOrDefault();
            var slurm = last is null ? new Dictionary<string, string>() : SlurmBackend.States(last);
            Console.WriteLine($"{plan.Study.Name} ({plan.StudyPath}): {StudyStatus.Summary(rows)}; results {plan.ResultsDirectory}");
            foreach (var row in rows)
            {
                var job = last?.ArrayJob is string a && slurm.TryGetValue($"{a}_{row.Cell.Index}", out var st) ? $"  slurm {a}_{row.Cell.Index} {st}" : "";
                var metrics = row.Result is { } d ? "  " + string.Join(", ", d.Metrics.Select(m => $"{m.Key} {SpreadFormat.Value(m.Value)}")) + $"  ({d.Seconds:F0} s)"
                    : row.Detail is { } why ? $"  {why}" : "";
                Console.WriteLine($"  {row.Cell.Index,3}  {row.Cell.Key}  {row.State,-8} {row.Cell.Label}{metrics}{job}");
            }
            if (last?.CollectJob is string collect)
                Console.WriteLine($"  collect job {collect}: {slurm.GetValueOrDefault(collect, "not known to squeue/scontrol (finished long ago?)")}");
            return 0;
        });
        return c;
    }

    Command Collect()
    {
        var c = With(new Command("collect", "Write results/<study>/README.md (paper vs ours, mean ± std over seeds, orderings), cells.csv and the charts"));
        c.SetAction(r =>
        {
            WriteReport(Plan(r), CommandFor(r));
            return 0;
        });
        return c;
    }

    static void WriteReport(StudyPlan plan, CellCommand command)
    {
        var w = StudyReport.Write(plan, command, m => Console.Error.WriteLine($"warning: {m}"));
        Console.WriteLine($"wrote {w.Readme} ({w.Done} of {w.Cells} cells done), {w.Csv}" + (w.Charts.Count > 0 ? $", {string.Join(", ", w.Charts.Select(Path.GetFileName))}" : ""));
        foreach (var o in StudyResults.Of(plan).Orderings)
            Console.WriteLine($"  {o.Text}: {o.Verdict} ({o.SeedAgreement}; {o.Test})");
    }

    Command Cancel()
    {
        var c = With(new Command("cancel", "scancel the study's last Slurm submission (its cells keep their checkpoints; run again to resume)"));
        c.SetAction(r =>
        {
            var ids = SlurmBackend.Cancel(Plan(r));
            Console.WriteLine($"scancel {string.Join(" ", ids)}");
            return 0;
        });
        return c;
    }

    Command Cell()
    {
        var index = new Argument<int>("index") { Description = "Cell index (0 .. cells - 1; `sweep status` lists them)" };
        var expect = new Option<string?>("--expect-key") { Description = "Refuse to run unless the cell still has this key (the study did not change)" };
        var threads = new Option<int?>("--threads") { Description = "Torch threads for this cell" };
        var c = new Command("cell", "Run one cell (what a local job or Slurm array task runs); skips a done cell, resumes a started one");
        c.Arguments.Add(study);
        c.Arguments.Add(index);
        foreach (var o in new Option[] { dataset, root, channels, preset, seeds, set, results, runs, expect, threads }) c.Options.Add(o);
        c.SetAction(r =>
        {
            if (r.GetValue(threads) is int t && t > 0) Cmd.Runtime.TorchThreads.Use(t);
            var plan = Plan(r);
            CellRunner.Run(plan, r.GetValue(index), GlobalOptions.ResolveDevice(r), Console.WriteLine, r.GetValue(expect));
            return 0;
        });
        return c;
    }
}
