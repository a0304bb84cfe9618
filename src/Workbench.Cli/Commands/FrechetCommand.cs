using System.CommandLine;
using Cmd.Metrics;

namespace Workbench.Cli.Commands;

/// <summary>`workbench frechet A.safetensors B.safetensors`: Frechet distance between two feature sets computed elsewhere.</summary>
public sealed class FrechetCommand : ICommandGroup
{
    public Command Build()
    {
        var a = new Argument<string>("a") { Description = "safetensors with a 2-D feature matrix (samples x dims) or precomputed 'mu' and 'sigma'" };
        var b = new Argument<string>("b") { Description = "the second feature set, same layout" };
        var method = new Option<string>("--sqrt")
        {
            Description = "tr sqrt(S1 S2): 'eigen' (symmetric eigen, matches scipy sqrtm) or 'pvdm-svd' (PVDM/CMD eval code)",
            DefaultValueFactory = _ => "eigen",
        };
        method.AcceptOnlyFromAmong("eigen", "pvdm-svd");
        var command = new Command("frechet", "Frechet distance between two feature sets (e.g. FID/FVD features computed elsewhere)") { a, b, method };
        command.SetAction(result =>
        {
            var sa = GaussianStats.Load(result.GetValue(a)!);
            var sb = GaussianStats.Load(result.GetValue(b)!);
            var m = result.GetValue(method) == "pvdm-svd" ? TraceSqrtMethod.PvdmSvd : TraceSqrtMethod.SymmetricEigen;
            if (sa.Dims != sb.Dims) throw new ArgumentException($"{result.GetValue(a)} has {sa.Dims}-d features but {result.GetValue(b)} has {sb.Dims}-d");
            double fd = FrechetDistance.Compute(sa, sb, m);
            Console.WriteLine($"a: {Describe(sa)}; b: {Describe(sb)}; sqrt: {result.GetValue(method)}");
            Console.WriteLine($"frechet distance: {fd:R}");
            return 0;
        });
        return command;
    }

    static string Describe(GaussianStats s) => s.Count > 0 ? $"{s.Count} samples x {s.Dims} dims" : $"{s.Dims} dims (precomputed)";
}
