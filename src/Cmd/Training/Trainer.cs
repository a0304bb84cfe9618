using System.Diagnostics;
using Cmd.Runtime;
using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>What a run did: steps [StartStep, EndStep), the first and last losses of this process, wall time.</summary>
public sealed record TrainingResult(long StartStep, long EndStep, double FirstLoss, double LastLoss, double MeanLossLast10Percent, double Seconds);

/// <summary>
/// A model-agnostic training loop: Adam(W) from TrainingOptions, a dispose scope per step, progress bar on
/// stderr, CSV loss log, periodic atomic checkpoints (model + optimizer + step + RNG + metadata) and exact
/// --resume. The caller's loss function gets the global step index; it must draw any randomness from
/// torch's generator (saved and restored) or from the step index, so that a resumed run equals an unbroken one.
/// </summary>
public static class Trainer
{
    /// <param name="model">Module to train (already on its device).</param>
    /// <param name="lossAt">Loss of the batch of a step (a scalar tensor with grad).</param>
    /// <param name="metadata">Stored in every checkpoint (e.g. model_kind, model_config JSON).</param>
    /// <param name="onStep">Called after each step with (step number done, loss), e.g. to watch memory.</param>
    /// <param name="stopAfter">Checked after each step with the step number done: true stops early (with a checkpoint).</param>
    public static TrainingResult Run(nn.Module model, Func<long, Tensor> lossAt, TrainingOptions options,
        IReadOnlyDictionary<string, string>? metadata = null, Action<long, double>? onStep = null, string label = "train",
        Func<long, bool>? stopAfter = null)
    {
        options.Validate();
        Directory.CreateDirectory(options.OutDir);
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>()) { ["training"] = options.ToJson() };
        using var optimizer = AdamOptimizer.For(model, options);
        long start = 0;
        if (options.Resume && File.Exists(options.CheckpointPath))
            start = TrainingCheckpoint.Load(options.CheckpointPath, model, optimizer);
        else
            manual_seed(options.Seed);
        if (start >= options.Steps)
            return new TrainingResult(start, start, double.NaN, double.NaN, double.NaN, 0);

        using var log = new LossLog(options.LossLogPath, start);
        var progress = options.Progress ? new ProgressBar(start, options.Steps, label) : null;
        var clock = Stopwatch.StartNew();
        double first = double.NaN, last = double.NaN, tailSum = 0;
        long tailCount = 0, tailFrom = start + (long)(0.9 * (options.Steps - start));
        model.train();
        long end = options.Steps;
        for (long step = start; step < options.Steps; step++)
        {
            var t0 = clock.Elapsed.TotalSeconds;
            optimizer.LearningRate = LearningRateAt(options, step);
            last = NoGcRegion.Run(() =>
            {
                using var scope = NewDisposeScope();
                optimizer.ZeroGrad();
                var loss = lossAt(step);
                loss.backward();
                if (options.MaxGradNorm > 0) nn.utils.clip_grad_norm_(model.parameters(), options.MaxGradNorm);
                optimizer.Step();
                return (double)loss.item<float>();
            });
            if (!double.IsFinite(last))
                throw new InvalidOperationException($"training diverged: loss is {last} at step {step + 1} (try a lower --lr; last checkpoint: {options.CheckpointPath})");
            if (double.IsNaN(first)) first = last;
            if (step >= tailFrom) { tailSum += last; tailCount++; }
            long done = step + 1;
            var elapsed = clock.Elapsed.TotalSeconds;
            if (done % options.LogEvery == 0 || done == options.Steps) log.Write(done, last, optimizer.LearningRate, elapsed, elapsed - t0);
            progress?.Update(done, last);
            onStep?.Invoke(done, last);
            bool outOfTime = options.MaxMinutes > 0 && clock.Elapsed.TotalMinutes >= options.MaxMinutes && done < options.Steps;
            bool stop = done < options.Steps && (outOfTime || (stopAfter?.Invoke(done) ?? false));
            if ((options.CheckpointEvery > 0 && done % options.CheckpointEvery == 0) || done == options.Steps || stop)
                TrainingCheckpoint.Save(options.CheckpointPath, model, optimizer, done, meta);
            if (stop)
            {
                if (outOfTime) Console.Error.WriteLine($"{label}: stopped after {options.MaxMinutes} min at step {done}/{options.Steps}; checkpoint written, --resume continues");
                end = done;
                break;
            }
        }
        return new TrainingResult(start, end, first, last, tailCount > 0 ? tailSum / tailCount : last, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Linear warm-up to the base rate, then constant.</summary>
    public static double LearningRateAt(TrainingOptions o, long step) =>
        o.WarmupSteps > 0 && step < o.WarmupSteps ? o.LearningRate * (step + 1) / o.WarmupSteps : o.LearningRate;
}
