using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Benchmarks;

/// <summary>Where a training step's time goes: zeroing the gradients, the forward (loss), the backward and the optimizer
/// step, each timed alone (wall and process CPU seconds), inside the step's dispose scope and no-GC region as
/// <see cref="Trainer.Step"/> runs them.</summary>
public static class StepPhases
{
    public static readonly string[] Names = ["zero grad", "forward (loss)", "backward", "Adam step"];

    /// <summary>Per phase the times of <paramref name="steps"/> steps, after <paramref name="warmup"/> whole steps.</summary>
    public static IReadOnlyList<StepTiming> Run(nn.Module model, AdamOptimizer optimizer, Func<Tensor> loss, int warmup, int steps)
    {
        model.train();
        for (int i = 0; i < warmup; i++) Trainer.Step(model, optimizer, loss);
        var times = Names.Select(_ => new double[steps]).ToArray();
        var cpu = Names.Select(_ => new double[steps]).ToArray();
        for (int i = 0; i < steps; i++)
            Cmd.Runtime.NoGcRegion.Run(() =>
            {
                using var scope = NewDisposeScope();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                double cpuAt = StepTiming.CpuNow();
                void Lap(int k)
                {
                    times[k][i] = clock.Elapsed.TotalSeconds; clock.Restart();
                    double now = StepTiming.CpuNow(); cpu[k][i] = now - cpuAt; cpuAt = now;
                }
                optimizer.ZeroGrad();
                Lap(0);
                var l = loss();
                l.item<float>();
                Lap(1);
                l.backward();
                Lap(2);
                optimizer.Step();
                Lap(3);
            });
        return Names.Select((n, k) => new StepTiming(n, times[k], cpu[k].Average(), cpu[k])).ToList();
    }
}
