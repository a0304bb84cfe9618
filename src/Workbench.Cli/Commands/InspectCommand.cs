using System.CommandLine;
using Cmd.IO;

namespace Workbench.Cli.Commands;

/// <summary>`workbench inspect file.safetensors`: tensors (name, dtype, shape) and metadata.</summary>
public sealed class InspectCommand : ICommandGroup
{
    public Command Build()
    {
        var file = new Argument<string>("file") { Description = "A .safetensors file" };
        var command = new Command("inspect", "List the tensors and metadata of a safetensors weights file") { file };
        command.SetAction(result =>
        {
            var st = SafeTensorsFile.Open(result.GetValue(file)!);
            foreach (var (k, v) in st.Metadata) Console.WriteLine($"metadata {k} = {v}");
            long total = 0;
            foreach (var t in st.Tensors)
            {
                Console.WriteLine($"{t.Name}\t{t.DType}\t[{string.Join(", ", t.Shape)}]");
                total += t.Shape.Aggregate(1L, (a, b) => a * b);
            }
            Console.WriteLine($"{st.Tensors.Count} tensors, {total:N0} elements");
            return 0;
        });
        return command;
    }
}
