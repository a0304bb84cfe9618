using System.CommandLine;
using Cmd.Benchmarks;

namespace Workbench.Cli.Commands;

/// <summary>`workbench bench dit`: one DiT training step here vs PyTorch on the same machine, ratio printed.</summary>
public sealed class BenchCommand : ICommandGroup
{
    public Command Build()
    {
        var model = new Option<string>("--model") { Description = "DiT config", DefaultValueFactory = _ => "DiT-S/2" };
        var batch = new Option<int>("--batch") { Description = "Batch size (latents 32x32x4)", DefaultValueFactory = _ => 8 };
        var steps = new Option<int>("--steps") { Description = "Timed steps (after 2 warm-up steps); the median is compared", DefaultValueFactory = _ => 5 };
        var script = new Option<string>("--script") { Description = "PyTorch side", DefaultValueFactory = _ => "bench/dit_step.py" };
        var dit = new Command("dit", "Time one DiT training step (forward, backward, Adam) in the workbench and in PyTorch; print the ratio") { model, batch, steps, script };
        dit.SetAction(r =>
        {
            string m = r.GetValue(model)!; int b = r.GetValue(batch), s = r.GetValue(steps);
            Console.WriteLine($"one training step of {m}, batch {b}, 32x32x4 latents, {s} timed steps after 2 warm-up");
            var ours = DiTBenchmark.Workbench(m, b, s);
            Console.WriteLine($"{ours.Name,-50} {ours.Parameters,12:N0} params  median {ours.Median:F3} s/step  [{string.Join(", ", ours.StepSeconds.Select(x => x.ToString("F3")))}]");
            var torchRef = DiTBenchmark.PyTorch(r.GetValue(script)!, m, b, s);
            Console.WriteLine($"{torchRef.Name,-50} {torchRef.Parameters,12:N0} params  median {torchRef.Median:F3} s/step  [{string.Join(", ", torchRef.StepSeconds.Select(x => x.ToString("F3")))}]");
            if (ours.Parameters != torchRef.Parameters) Console.WriteLine($"warning: parameter counts differ ({ours.Parameters} vs {torchRef.Parameters})");
            Console.WriteLine($"ratio workbench / PyTorch = {ours.Median / torchRef.Median:F2}");
            return 0;
        });
        var command = new Command("bench", "Benchmarks against reference implementations");
        command.Subcommands.Add(dit);
        return command;
    }
}
