using Cmd.Diffusion;
using Cmd.Metrics.Efficiency;
using Cmd.Models.Denoisers;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Benchmarks;

/// <summary>
/// The motion DiT's training step as `train motion` takes it (Eq. 8: the hybrid loss of GaussianDiffusion on z given the
/// content frame and class, backward, Adam lr 1e-4) on one fixed batch (random, or the first rows of real pairs): the
/// step every Table 4a/4c cell repeats thousands of times, so its share of the matmul rate says how much of a study's
/// hours compute.
/// </summary>
public static class MotionBenchmark
{
    /// <summary>A seeded motion DiT in training mode, its Adam and one batch: z (unit scale), content frames, labels, t,
    /// noise.</summary>
    public sealed class Setup : IDisposable
    {
        public required MotionDiT Model { get; init; }
        public required AdamOptimizer Optimizer { get; init; }
        public required GaussianDiffusion Diffusion { get; init; }
        public required Tensor Z, Content, Labels, T, Noise;

        /// <summary>The step's loss: the training loss of DiffusionTraining.TrainMotion at fixed t and noise.</summary>
        public Tensor Loss() => Diffusion.TrainingLosses((x, tt) => Model.call(x, tt, Content, Labels), Z, T, Noise).Loss.mean();

        public void Dispose()
        {
            Optimizer.Dispose(); Model.Dispose();
            foreach (var t in new[] { Z, Content, Labels, T, Noise }) t.Dispose();
        }
    }

    /// <param name="pairs">Real training pairs to take the batch from (their first rows, z scaled as TrainMotion does), fitting
    /// the config to them; null: random z and content frames.</param>
    public static Setup Create(MotionDiTConfig config, int batch, LatentPairs? pairs = null)
    {
        if (pairs is not null && pairs.Count < batch)
            throw new ArgumentException($"the pairs hold {pairs.Count} rows, fewer than a batch of {batch}");
        manual_seed(0);
        var model = new MotionDiT(pairs is null ? config : pairs.FitMotion(config));
        model.train();
        var c = model.Config;
        long[] zShape = [batch, c.LatentChannels, c.Frames, c.GridHeight + c.GridWidth];
        return new Setup
        {
            Model = model, Optimizer = AdamOptimizer.For(model, DiffusionTraining.PaperOptions),
            Diffusion = GaussianDiffusion.Create(),
            Z = pairs is null ? randn(zShape) : pairs.Z[..batch] / pairs.Z.std(),
            Content = pairs is null
                ? rand(batch, c.ContentChannels, c.ContentHeight, c.ContentWidth) * 2 - 1
                : pairs.Content[..batch].clone(),
            Labels = pairs is null ? randint(0, c.NumClasses, [batch], dtype: int64) : pairs.Labels[..batch].clone(),
            T = randint(0, 1000, [batch], dtype: int64), Noise = randn(zShape),
        };
    }

    /// <summary>FLOPs of one training step: the profiled forward x 3.</summary>
    public static double TrainingStepFlops(Setup s)
    {
        using var profiler = new FlopProfiler(s.Model);
        using (no_grad()) { using var scope = NewDisposeScope(); s.Loss(); }
        return ModelFlops.TrainingStep(profiler.Total);
    }

    /// <summary>Times the step; <paramref name="between"/> runs before each timed step, outside its time.</summary>
    public static StepTiming Time(Setup s, int warmup, int steps, Action? between = null) =>
        StepTiming.Run("workbench", () => Trainer.Step(s.Model, s.Optimizer, s.Loss), warmup, steps, between);

    /// <summary>Zero grad, forward (loss), backward and Adam, each timed alone (<see cref="StepPhases"/>).</summary>
    public static IReadOnlyList<StepTiming> Phases(Setup s, int warmup, int steps) =>
        StepPhases.Run(s.Model, s.Optimizer, s.Loss, warmup, steps);
}
