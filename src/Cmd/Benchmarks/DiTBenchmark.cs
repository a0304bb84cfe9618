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

    public static Result Workbench(string model = "DiT-S/2", int batch = 8, int steps = 5, int warmup = 2)
    {
        var cfg = DiTConfig.Named(model);
        manual_seed(0);
        using var dit = new DiT(cfg);
        dit.train();
        using var opt = AdamOptimizer.For(dit, DiffusionTraining.PaperOptions);
        using var x = randn(batch, cfg.InChannels, cfg.InputSize, cfg.InputSize);
        using var t = randint(0, 1000, [batch], dtype: int64);
        using var y = randint(0, cfg.NumClasses, [batch], dtype: int64);
        using var target = randn(batch, cfg.OutChannels, cfg.InputSize, cfg.InputSize);
        double flops;
        using (var profiler = new FlopProfiler(dit))
        {
            using (no_grad()) { using var scope = NewDisposeScope(); dit.call(x, t, y); }
            flops = ModelFlops.TrainingStep(profiler.Total);
        }
        var losses = new List<double>();
        var timing = StepTiming.Run("workbench", () => losses.Add(Trainer.Step(dit, opt, () => (dit.call(x, t, y) - target).pow(2).mean())), warmup, steps);
        return new Result(timing, dit.ParameterCount(), flops, losses.ToArray());
    }

    /// <summary>The same step in PyTorch (bench/dit_step.py); also that process's fp32 matmul rate.</summary>
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
