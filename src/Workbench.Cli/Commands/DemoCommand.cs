using System.CommandLine;
using Cmd.Runtime;

namespace Workbench.Cli.Commands;

/// <summary>`workbench demo`: the main job. For now: environment check plus a tiny forward/backward.</summary>
public sealed class DemoCommand : ICommandGroup
{
    public Command Build()
    {
        var command = new Command("demo", "Run the workbench demo on embedded default data");
        command.SetAction(result =>
        {
            var device = GlobalOptions.ResolveDevice(result);
            foreach (var (key, value) in WorkbenchInfo.Collect().Rows()) Console.WriteLine($"{key,-16} {value}");
            var check = SmokeTraining.Run(device);
            Console.WriteLine($"{"tiny training",-16} loss {check.FirstLoss:F4} -> {check.LastLoss:F4} in {check.Steps} steps on {device.type}");
            return check.LastLoss < check.FirstLoss ? 0 : 1;
        });
        return command;
    }
}
