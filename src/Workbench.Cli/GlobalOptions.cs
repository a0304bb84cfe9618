using System.CommandLine;
using Cmd.Runtime;

namespace Workbench.Cli;

/// <summary>Options every command accepts.</summary>
public static class GlobalOptions
{
    public static readonly Option<string> Device = new("--device")
    {
        Description = "Device to run on: cpu, cuda or auto",
        DefaultValueFactory = _ => "auto",
        Recursive = true,
    };

    public static readonly Option<Fp32Matmul> Fp32Matmul = new("--fp32-matmul")
    {
        Description = "How oneDNN multiplies float32 matrices: ieee (exact, the default) or bf16 (inputs rounded to " +
                      "bfloat16, float32 sums, as PyTorch's torch.backends.mkldnn.matmul.fp32_precision; the fast " +
                      "path on CPUs with AMX)",
        DefaultValueFactory = _ => Cmd.Runtime.Fp32Matmul.Ieee,
        Recursive = true,
        HelpName = "ieee|bf16",
        CustomParser = a => a.Tokens.Single().Value.ToLowerInvariant() switch
        {
            "ieee" => Cmd.Runtime.Fp32Matmul.Ieee,
            "bf16" => Cmd.Runtime.Fp32Matmul.Bf16,
            var v => Fail(a, $"--fp32-matmul must be ieee or bf16 (got '{v}')"),
        },
    };

    static GlobalOptions() => Device.AcceptOnlyFromAmong(Devices.Choices);

    static Fp32Matmul Fail(System.CommandLine.Parsing.ArgumentResult a, string message)
    {
        a.AddError(message);
        return default;
    }

    /// <summary>The commands <c>--fp32-matmul bf16</c> is for: trainings and their step benchmarks (and info). Scores,
    /// samples and <c>bench all</c> (which times both precisions itself) stay exact.</summary>
    public static readonly string[] Bf16Commands =
        ["ae train", "train content", "train motion", "bench dit", "bench ae", "bench motion", "info"];

    /// <summary>Sets the float32 matmul precision asked for. bf16 on another command is an error; where oneDNN is off
    /// it is one warning line and the products stay exact (as libtorch would keep them).</summary>
    public static void ApplyFp32Matmul(ParseResult result)
    {
        if (result.GetValue(Fp32Matmul) != Cmd.Runtime.Fp32Matmul.Bf16) return;
        string command = string.Join(' ', Path(result.CommandResult));
        if (!Bf16Commands.Contains(command))
            throw new ArgumentException($"--fp32-matmul bf16 is for {string.Join(", ", Bf16Commands)}; " +
                                        $"'{command}' keeps exact float32 products");
        if (MatmulPrecision.Bf16Unavailable() is string why)
        {
            Console.Error.WriteLine($"warning: --fp32-matmul bf16: {why}" +
                (ConvolutionCheck.OneDnnEnabled ? "" : "; float32 products stay exact"));
            if (!ConvolutionCheck.OneDnnEnabled) return;
        }
        MatmulPrecision.Set(Cmd.Runtime.Fp32Matmul.Bf16);
    }

    static IEnumerable<string> Path(System.CommandLine.Parsing.CommandResult? c) =>
        c?.Parent is System.CommandLine.Parsing.CommandResult parent ? [.. Path(parent), c.Command.Name] : [];

    public static TorchSharp.torch.Device ResolveDevice(ParseResult result) => Devices.Resolve(result.GetValue(Device)!);
}
