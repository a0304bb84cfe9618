using System.CommandLine;
using Cmd.Presets;
using Cmd.Reports;
using Cmd.Runtime;
using Cmd.Pipeline;

namespace Workbench.Cli.Commands;

/// <summary>`workbench demo`: the main job. Environment check, then the whole CMD pipeline on embedded Moving MNIST
/// (autoencoder, content-frame DiT, motion DiT, sampling), ending with the path of one HTML page.</summary>
public sealed class DemoCommand : ICommandGroup
{
    public Command Build()
    {
        var preset = new Option<string>("--preset") { Description = "Pipeline preset: demo (< 15 min on 2 cores), tiny (seconds), small (64x64x16, about an hour)", DefaultValueFactory = _ => "demo" };
        var output = new Option<string>("--out") { Description = "Output folder (runs/, media/, index.html)", DefaultValueFactory = _ => "results/demo" };
        var aeSteps = new Option<long?>("--ae-steps") { Description = "Override the preset's autoencoder training steps" };
        var contentSteps = new Option<long?>("--content-steps") { Description = "Override the preset's content-model training steps" };
        var motionSteps = new Option<long?>("--motion-steps") { Description = "Override the preset's motion-model training steps" };
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads (0 = libtorch's default). Default 1: these small models gain little from 2 threads and lose 5-10x when the cores are shared (measured: the demo preset used 6.3 CPU-minutes at 1 thread)", DefaultValueFactory = _ => 1 };
        var sampleThreads = new Option<int>("--sample-threads")
        {
            Description = "libtorch intra-op threads for the shipped models' 100 videos (batches of 50 gain from a " +
                          "second core, where the live run's small steps do not); default: the logical CPU count",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        sampleThreads.Validators.Add(r =>
        {
            int given = r.GetValueOrDefault<int>();
            if (given < 1) r.AddError($"--sample-threads must be at least 1 (got {given})");
        });
        var noShipped = new Option<bool>("--no-shipped") { Description = "Leave out the videos of the shipped small models (data/weights/small)" };
        var command = new Command("demo", "Videos from the shipped small models, then the whole CMD pipeline trained briefly on embedded Moving MNIST; one HTML page")
            { preset, output, aeSteps, contentSteps, motionSteps, threads, sampleThreads, noShipped };
        command.SetAction(result =>
        {
            var p = RunPresets.Named(result.GetValue(preset)!); // a bad preset fails before any work
            var device = GlobalOptions.ResolveDevice(result);
            if (result.GetValue(threads) is > 0 and var n) TorchThreads.Use(n);
            foreach (var (key, value) in WorkbenchInfo.Collect().Rows()) Console.WriteLine($"{key,-16} {value}");
            var check = SmokeTraining.Run(device);
            Console.WriteLine($"{"tiny training",-16} loss {check.FirstLoss:F4} -> {check.LastLoss:F4} in {check.Steps} steps on {device.type}");
            if (check.LastLoss >= check.FirstLoss) return 1;
            p = p with
            {
                AutoencoderSteps = result.GetValue(aeSteps) ?? p.AutoencoderSteps,
                ContentSteps = result.GetValue(contentSteps) ?? p.ContentSteps,
                MotionSteps = result.GetValue(motionSteps) ?? p.MotionSteps,
            };
            var shipped = ShippedWeights.Small;
            if (!shipped.Available && !result.GetValue(noShipped)) Console.WriteLine($"no shipped weights in {shipped.Folder}: the page shows the live run only");
            var withShipped = shipped.Available && !result.GetValue(noShipped);
            var res = DemoReport.Run(p, result.GetValue(output)!, device,
                withShipped ? new DemoReport.Shipped(shipped, Threads: result.GetValue(sampleThreads)) : null);
            Console.WriteLine($"pipeline done in {res.Seconds / 60:F1} min");
            Console.WriteLine(res.Page);
            return 0;
        });
        return command;
    }
}
