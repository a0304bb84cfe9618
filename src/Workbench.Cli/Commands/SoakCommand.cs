using System.CommandLine;
using System.Diagnostics;
using Cmd.Benchmarks;
using Cmd.Presets;
using Workbench.Notebooks;

namespace Workbench.Cli.Commands;

/// <summary>`workbench soak ae --preset small --steps 4000`: a long autoencoder run that counts native crashes and restarts and measures RSS growth after warm-up.</summary>
public sealed class SoakCommand : ICommandGroup
{
    public Command Build()
    {
        var preset = new Option<string>("--preset") { Description = $"Autoencoder preset: {string.Join(", ", RunPresets.Names)}", DefaultValueFactory = _ => "small" };
        var steps = new Option<long>("--steps") { Description = "Training steps", DefaultValueFactory = _ => 4000 };
        var warmup = new Option<long>("--warmup") { Description = "Step at which memory counts as warm (growth is measured from it)", DefaultValueFactory = _ => 500 };
        var output = new Option<string>("--out") { Description = "Run folder (must hold no checkpoint)", DefaultValueFactory = _ => "runs/soak-ae" };
        var restarts = new Option<int>("--max-restarts") { Description = "Restarts from the last checkpoint after a crash", DefaultValueFactory = _ => 5 };
        var every = new Option<long>("--checkpoint-every") { Description = "Checkpoint interval (a crash loses at most this many steps)", DefaultValueFactory = _ => 200 };
        var ae = new Command("ae", "Train the autoencoder in a child process, restart it from its checkpoint after a native crash, report crashes, restarts and RSS growth")
            { preset, steps, warmup, output, restarts, every };
        ae.SetAction(r =>
        {
            var (self, prefix) = NotebookProcess.Self();
            var o = new SoakOptions(r.GetValue(preset)!, r.GetValue(steps), r.GetValue(output)!, r.GetValue(warmup), r.GetValue(restarts), r.GetValue(every));
            var report = AutoencoderSoak.Run(o, args =>
            {
                var info = new ProcessStartInfo(self);
                foreach (var a in prefix.Concat(args)) info.ArgumentList.Add(a);
                return info;
            }, Console.Error.WriteLine);
            foreach (var line in report.Lines()) Console.WriteLine(line);
            return report.Crashes.Count == 0 && report.StepsDone >= o.Steps ? 0 : 2;
        });
        return new Command("soak", "Long runs that report native crashes, restarts and memory growth") { ae };
    }
}
