using System.Globalization;
using Cmd.Metrics.Efficiency;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Benchmarks;

/// <summary>Times one DiT training step (forward, MSE against a random target, backward, Adam lr 1e-4) here and in PyTorch
/// (bench/dit_step.py, the same layers and parameter count), in one run, so the ratio compares like with like.</summary>
public static class DiTBenchmark
{
    /// <summary>Step times, the parameter count and the profiled FLOPs of a training step (3 x the forward).</summary>
    public sealed record Result(StepTiming Timing, long Parameters, double StepFlops, double[] Losses);

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

    /// <summary>Times the step here; <paramref name="between"/> runs before each timed step, outside its time.</summary>
    public static Result Workbench(string model = "DiT-S/2", int batch = 8, int steps = 5, int warmup = 2, Action? between = null)
    {
        using var s = Create(model, batch);
        double flops = StepFlops(s);
        var losses = new List<double>();
        var timing = StepTiming.Run("workbench", () => losses.Add(s.Step()), warmup, steps, between);
        return new Result(timing, s.Model.ParameterCount(), flops, losses.ToArray());
    }

    /// <summary>The same step in PyTorch (bench/dit_step.py) served one step at a time (<see cref="ServedSteps"/>), after
    /// its <paramref name="warmup"/> steps.</summary>
    public static ServedSteps Serve(PyTorchReference py, string script, string model, int batch, int warmup)
    {
        string S(int v) => v.ToString(CultureInfo.InvariantCulture);
        return ServedSteps.Start(py, [script, "--model", model, "--batch", S(batch), "--warmup", S(warmup)]);
    }

    /// <summary>Zero grad, forward (loss), backward and Adam of the same step, each timed alone (<see cref="StepPhases"/>).</summary>
    public static IReadOnlyList<StepTiming> Phases(string model = "DiT-S/2", int batch = 8, int steps = 5, int warmup = 2)
    {
        using var s = Create(model, batch);
        return StepPhases.Run(s.Model, s.Optimizer, s.Loss, warmup, steps);
    }

    /// <summary>The same step in PyTorch (bench/dit_step.py); also that process's fp32 matmul rate, sampled between the steps.</summary>
    public static (Result Result, double MatmulGflops, string TorchVersion, string? BlasCore) PyTorch(PyTorchReference py, string script,
        string model = "DiT-S/2", int batch = 8, int steps = 5, int warmup = 2)
    {
        string S(int v) => v.ToString(CultureInfo.InvariantCulture);
        var o = py.Run([script, "--model", model, "--batch", S(batch), "--steps", S(steps), "--warmup", S(warmup)]);
        var j = o.Json;
        var result = new Result(AutoencoderBenchmark.Timing("PyTorch", j), j.GetProperty("params").GetInt64(),
            double.NaN, AutoencoderBenchmark.Doubles(j.GetProperty("losses")));
        return (result, j.GetProperty("matmul_gflops").GetDouble(), j.GetProperty("torch").GetString() ?? "?", o.BlasCore);
    }
}
