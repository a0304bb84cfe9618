using System.CommandLine;
using Cmd.Pipeline;

namespace Workbench.Cli.Commands;

/// <summary>`workbench params --model NAME`: parameter count of any model the workbench knows (`--model all` lists them).</summary>
public sealed class ParamsCommand : ICommandGroup
{
    public Command Build()
    {
        var model = new Option<string>("--model") { Description = "Model or preset name (e.g. DiT-XL/2), or 'all'", DefaultValueFactory = _ => "all" };
        var command = new Command("params", "Print the parameter count of a model (PyTorch's sum(p.numel() for p in model.parameters()))") { model };
        command.SetAction(result =>
        {
            var name = result.GetValue(model)!;
            var entries = name.Equals("all", StringComparison.OrdinalIgnoreCase) ? ModelZoo.All : [ModelZoo.Get(name)];
            foreach (var entry in entries)
            {
                var count = ModelZoo.CountParameters(entry.Name);
                Console.WriteLine($"{entry.Name,-28} {count,15:N0}  ({count / 1e6:F2}M)  {entry.Description}");
            }
            return 0;
        });
        return command;
    }
}
