using System.CommandLine;
using Cmd.Evaluation;
using Cmd.Metrics.Fvd;

namespace Workbench.Cli.Commands;

/// <summary>`workbench eval samples`: an objective score of generated class-conditional Moving MNIST videos.</summary>
public sealed class EvalCommand : ICommandGroup
{
    public Command Build()
    {
        var command = new Command("eval", "Score generated videos");
        command.Subcommands.Add(Samples());
        return command;
    }

    static Command Samples()
    {
        var samples = new Option<string>("--samples") { Description = "samples.safetensors of `workbench sample`: videos [N, L, C, H, W] in [-1, 1], label [N]", Required = true };
        var weights = new Option<string?>("--weights") { Description = "FVD-local detector (default: the shipped data/fvd-local/mmnist-c3d.safetensors)" };
        var command = new Command("samples", "Class accuracy (the detector's top-2 digits contain the class), FVD-local against as many held-out " +
                                              "real clips, the real-vs-real floor at that size, and their ratio") { samples, weights };
        command.SetAction(r =>
        {
            using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath(r.GetValue(weights)));
            Console.WriteLine(SampleScore.Score(detector, r.GetValue(samples)!));
            return 0;
        });
        return command;
    }
}
