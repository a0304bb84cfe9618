using System.CommandLine;
using Cmd.Diffusion;
using Cmd.Runtime;

namespace Workbench.Cli.Commands;

/// <summary>`workbench demo`: the main job. Environment check, then the whole CMD pipeline on embedded Moving MNIST
/// (autoencoder, content-frame DiT, motion DiT, sampling), ending with the path of one HTML page.</summary>
public sealed class DemoCommand : ICommandGroup
{
    public Command Build()
    {
        var preset = new Option<string>("--preset") { Description = "Pipeline preset: demo (< 15 min on 2 cores), tiny (seconds), small (64x64x16, about an hour)", DefaultValueFactory = _ => "demo" };
        var output = new Option<string>("--out") { Description = "Output folder (runs/, media/, index.html)", DefaultValueFactory = _ => "results/demo" };
        var command = new Command("demo", "Run the whole CMD pipeline on embedded Moving MNIST and write an HTML page") { preset, output };
        command.SetAction(result =>
        {
            var device = GlobalOptions.ResolveDevice(result);
            foreach (var (key, value) in WorkbenchInfo.Collect().Rows()) Console.WriteLine($"{key,-16} {value}");
            var check = SmokeTraining.Run(device);
            Console.WriteLine($"{"tiny training",-16} loss {check.FirstLoss:F4} -> {check.LastLoss:F4} in {check.Steps} steps on {device.type}");
            if (check.LastLoss >= check.FirstLoss) return 1;
            var res = DemoPipeline.Run(DemoPreset.Preset(result.GetValue(preset)!), result.GetValue(output)!, device);
            Console.WriteLine($"pipeline done in {res.Seconds / 60:F1} min");
            Console.WriteLine(res.Page);
            return 0;
        });
        return command;
    }
}
