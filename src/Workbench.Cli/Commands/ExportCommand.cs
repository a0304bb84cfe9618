using System.CommandLine;
using Cmd.Pipeline;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

/// <summary>`workbench export`: a run's (or checkpoint's) weights alone, with PyTorch key names and their config, optionally in 16 bits.</summary>
public sealed class ExportCommand : ICommandGroup
{
    public Command Build()
    {
        var from = new Option<string[]>("--from")
        {
            Description = "Run folder (checkpoint.safetensors, ema.safetensors), checkpoint or weights file; several " +
                          "of one model (e.g. a run's EMA snapshots): their mean",
            Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--out") { Description = "Weights file to write", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "Storage of floating tensors: float32, float16 or bfloat16 (loaders upcast)", DefaultValueFactory = _ => "float32" };
        dtype.AcceptOnlyFromAmong("float32", "float16", "bfloat16");
        var ema = new Option<bool>("--ema") { Description = "From a run folder: its EMA weights (default: when the run has >= 5,000 steps)" };
        var noEma = new Option<bool>("--no-ema") { Description = "From a run folder: its trained weights" };
        var command = new Command("export", "Write model weights alone (no optimizer state) with their config: to ship, or to load in PyTorch")
            { from, output, dtype, ema, noEma };
        command.SetAction(r =>
        {
            if (r.GetValue(ema) && r.GetValue(noEma)) throw new ArgumentException("--ema and --no-ema exclude each other");
            bool? preferEma = r.GetValue(ema) ? true : r.GetValue(noEma) ? false : null;
            var storage = r.GetValue(dtype) switch { "float16" => ScalarType.Float16, "bfloat16" => ScalarType.BFloat16, _ => ScalarType.Float32 };
            var froms = r.GetValue(from)!;
            string source = froms.Length == 1 ? ModelStore.ExportWeights(froms[0], r.GetValue(output)!, preferEma, storage)
                : "the mean of " + string.Join(", ", ModelStore.AverageWeights(froms, r.GetValue(output)!, preferEma, storage));
            Console.WriteLine($"wrote {r.GetValue(output)} ({new FileInfo(r.GetValue(output)!).Length / 1024} KiB, {r.GetValue(dtype)}) from {source}");
            return 0;
        });
        return command;
    }
}
