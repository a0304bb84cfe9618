using System.Globalization;
using Cmd.Metrics.Efficiency;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Benchmarks;

/// <summary>One DiT training step (forward, MSE against a random target, backward, Adam lr 1e-4) here, and the same step
/// in PyTorch (bench/dit_step.py, the same layers and parameter count) served to be timed in turn with it.</summary>
public static class DiTBenchmark
{
    /// <summary>A seeded DiT in training mode, its Adam (lr 1e-4) and one fixed batch: x, t, y and a random target.</summary>
    public sealed class Setup : IDisposable
    {
        public required DiT Model { get; init; }
        public required AdamOptimizer Optimizer { get; init; }
        public required Tensor X, T, Y, Target;

        /// <summary>The step's loss: MSE of the model's output against the random target.</summary>
        public Tensor Loss() => (Model.call(X, T, Y) - Target).pow(2).mean();

        /// <summary>One training step as the trainer takes it; its loss.</summary>
        public double Step() => Trainer.Step(Model, Optimizer, Loss);

        public void Dispose() { Optimizer.Dispose(); Model.Dispose(); X.Dispose(); T.Dispose(); Y.Dispose(); Target.Dispose(); }
    }

    public static Setup Create(string model = "DiT-S/2", int batch = 8)
    {
        var cfg = DiTConfig.Named(model);
        manual_seed(0);
        var dit = new DiT(cfg);
        dit.train();
        return new Setup
        {
            Model = dit, Optimizer = AdamOptimizer.For(dit, DiffusionTraining.PaperOptions),
            X = randn(batch, cfg.InChannels, cfg.InputSize, cfg.InputSize), T = randint(0, 1000, [batch], dtype: int64),
            Y = randint(0, cfg.NumClasses, [batch], dtype: int64), Target = randn(batch, cfg.OutChannels, cfg.InputSize, cfg.InputSize),
        };
    }

    /// <summary>FLOPs of one training step: the profiled forward x 3 (forward + backward).</summary>
    public static double StepFlops(Setup s)
    {
        using var profiler = new FlopProfiler(s.Model);
        using (no_grad()) { using var scope = NewDisposeScope(); s.Model.call(s.X, s.T, s.Y); }
        return ModelFlops.TrainingStep(profiler.Total);
    }

    /// <summary>The same step in PyTorch (bench/dit_step.py) served one step at a time (<see cref="ServedSteps"/>), after
    /// its <paramref name="warmup"/> steps.</summary>
    public static ServedSteps Serve(PyTorchReference py, string script, string model, int batch, int warmup,
        int matmulSize = 1024)
    {
        string S(int v) => v.ToString(CultureInfo.InvariantCulture);
        return ServedSteps.Start(py,
            [script, "--model", model, "--batch", S(batch), "--warmup", S(warmup), "--matmul-size", S(matmulSize)]);
    }

    /// <summary>Zero grad, forward (loss), backward and Adam of the same step, each timed alone (<see cref="StepPhases"/>).</summary>
    public static IReadOnlyList<StepTiming> Phases(string model = "DiT-S/2", int batch = 8, int steps = 5, int warmup = 2)
    {
        using var s = Create(model, batch);
        return StepPhases.Run(s.Model, s.Optimizer, s.Loss, warmup, steps);
    }
}
