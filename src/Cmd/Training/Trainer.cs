using System.Diagnostics;
using System.Globalization;
using Cmd.IO;
using Cmd.Runtime;
using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>
/// What a run did: steps [StartStep, EndStep), the first and last losses of this process, wall time, and what the
/// researcher should know about it (<see cref="Notes"/>: a resume that found no checkpoint, a lost RNG state, ...).
/// </summary>
public sealed record TrainingResult(long StartStep, long EndStep, double FirstLoss, double LastLoss, double MeanLossLast10Percent, double Seconds)
{
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>The checkpoint was already at (or past) the requested step count: nothing was trained.</summary>
    public bool NothingToDo => EndStep == StartStep;

    /// <summary>One line for a shell: the steps and losses, or that the run was already done.</summary>
    public string Describe(string checkpointPath) => NothingToDo
        ? $"nothing to train: {checkpointPath} is at step {StartStep}, which already reaches --steps (pass a larger --steps to continue it)"
        : string.Create(CultureInfo.InvariantCulture,
            $"steps {StartStep}..{EndStep} in {Seconds:F0} s; loss {FirstLoss:G4} -> {LastLoss:G4} (mean of last 10%: {MeanLossLast10Percent:G4})");
}

/// <summary>A loss that is NaN or infinite: the run stops at <see cref="Step"/>; <see cref="SavedPath"/> holds the last good state, if any.</summary>
public sealed class TrainingDivergedException(string message, long step, string? savedPath) : Exception(message)
{
    public long Step { get; } = step;
    public string? SavedPath { get; } = savedPath;
}

/// <summary>
/// A model-agnostic training loop: Adam(W) from TrainingOptions, a dispose scope per step, progress bar on
/// stderr, CSV loss log, periodic atomic checkpoints (model + optimizer + step + RNG + metadata) and exact
/// --resume. The caller's loss function gets the global step index; it must draw any randomness from
/// torch's generator (saved and restored) or from the step index, so that a resumed run equals an unbroken one.
/// The run folder has one writer (<see cref="RunFolderLock"/>). A non-finite loss stops the run before the optimizer
/// touches the weights, with the state after the last good step saved as the checkpoint.
/// </summary>
public static class Trainer
{
    /// <param name="model">Module to train (already on its device).</param>
    /// <param name="lossAt">Loss of the batch of a step (a scalar tensor with grad).</param>
    /// <param name="metadata">Stored in every checkpoint (e.g. model_kind, model_config JSON).</param>
    /// <param name="onStep">Called after each step with (step number done, loss), e.g. to watch memory.</param>
    /// <param name="stopAfter">Checked after each step with the step number done: true stops early (with a checkpoint).</param>
    /// <param name="onCheckpoint">Called with the step number after each checkpoint is written (also at an early stop),
    /// e.g. to write the EMA weights of that step beside it.</param>
    public static TrainingResult Run(nn.Module model, Func<long, Tensor> lossAt, TrainingOptions options,
        IReadOnlyDictionary<string, string>? metadata = null, Action<long, double>? onStep = null, string label = "train",
        Func<long, bool>? stopAfter = null, Action<long>? onCheckpoint = null)
    {
        options.Validate();
        using var folderLock = RunFolderLock.Acquire(options.OutDir);
        var notes = new List<string>();
        void Note(string text) { notes.Add(text); Console.Error.WriteLine($"{label}: {text}"); }
        if (folderLock.RemovedTemps.Count > 0)
            Note($"removed {folderLock.RemovedTemps.Count} temp file(s) of an interrupted write in {options.OutDir}: {string.Join(", ", folderLock.RemovedTemps)}");
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            ["training"] = options.ToJson(),
            [ModelMetadata.Fp32MatmulKey] = MatmulPrecision.Name(MatmulPrecision.Current),
        };
        using var optimizer = AdamOptimizer.For(model, options);
        long start = 0;
        if (options.Resume && File.Exists(options.CheckpointPath))
        {
            var restored = TrainingCheckpoint.Load(options.CheckpointPath, model, optimizer);
            start = restored.Step;
            string before = SafeTensorsFile.Open(options.CheckpointPath).Metadata
                .GetValueOrDefault(ModelMetadata.Fp32MatmulKey, "ieee");
            if (before != meta[ModelMetadata.Fp32MatmulKey])
                Note($"{options.CheckpointPath} was trained with --fp32-matmul {before}; continuing with " +
                     $"{meta[ModelMetadata.Fp32MatmulKey]}, which its next checkpoints will name");
            var saved = TrainingOptionsIn(options.CheckpointPath);
            if (saved is not null && saved.ContentNoise != options.ContentNoise)
                Note($"{options.CheckpointPath} was trained with --content-noise {saved.ContentNoise}; " +
                     $"continuing with {options.ContentNoise}, which its next checkpoints will name");
            if (!restored.RngRestored)
                Note($"{options.CheckpointPath} has no RNG state ('{TrainingCheckpoint.RngKey}'): continuing from step {start}, but the run is no longer exactly the one an unbroken run would give");
        }
        else
        {
            if (options.Resume) Note($"--resume: no checkpoint at {options.CheckpointPath}, so this run starts from step 0");
            manual_seed(options.Seed);
        }
        if (start >= options.Steps)
            return new TrainingResult(start, start, double.NaN, double.NaN, double.NaN, 0) { Notes = notes };

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
            last = Step(model, optimizer, () => lossAt(step), options.MaxGradNorm);
            if (!double.IsFinite(last))
                throw Diverged(model, optimizer, options, meta, step, last, start, onCheckpoint);
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
            {
                TrainingCheckpoint.Save(options.CheckpointPath, model, optimizer, done, meta);
                onCheckpoint?.Invoke(done);
            }
            if (stop)
            {
                if (outOfTime) Console.Error.WriteLine($"{label}: stopped after {options.MaxMinutes} min at step {done}/{options.Steps}; checkpoint written, --resume continues");
                end = done;
                break;
            }
        }
        return new TrainingResult(start, end, first, last, tailCount > 0 ? tailSum / tailCount : last, clock.Elapsed.TotalSeconds) { Notes = notes };
    }

    /// <summary>
    /// One optimisation step as every training run takes it (and the benchmarks time it): no garbage collection inside,
    /// a dispose scope, zero the gradients, loss, backward, optional gradient clipping, Adam(W). Returns the loss; a
    /// non-finite loss is returned without backward or update, so the weights stay those after the last good step.
    /// </summary>
    public static double Step(nn.Module model, AdamOptimizer optimizer, Func<Tensor> loss, double maxGradNorm = 0) =>
        NoGcRegion.Run(() =>
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            var l = loss();
            double value = l.item<float>();
            if (!double.IsFinite(value)) return value;
            var precision = MatmulPrecision.Current;
            try { l.backward(); }
            finally                                           // a backward that threw midway (PrecisionFence) left it
            {
                if (MatmulPrecision.Current != precision) MatmulPrecision.Set(precision);
            }
            if (maxGradNorm > 0) nn.utils.clip_grad_norm_(model.parameters(), maxGradNorm);
            optimizer.Step();
            return value;
        });

    /// <summary>
    /// The loss of step <paramref name="step"/> (0-based) is not finite. The weights are those after the last good step
    /// (the bad step updated nothing): they are saved as the checkpoint (and onCheckpoint called) when finite;
    /// otherwise an earlier checkpoint is named if one exists. The message names the step and only a file that exists.
    /// </summary>
    static TrainingDivergedException Diverged(nn.Module model, AdamOptimizer optimizer, TrainingOptions options,
        Dictionary<string, string> meta, long step, double loss, long start, Action<long>? onCheckpoint)
    {
        string what = $"training diverged: loss is {loss} at step {step + 1}";
        bool finite;
        using (var scope = NewDisposeScope()) finite = model.parameters().All(p => p.isfinite().all().item<bool>());
        if (finite && step > start)
        {
            TrainingCheckpoint.Save(options.CheckpointPath, model, optimizer, step, meta);
            onCheckpoint?.Invoke(step);
            return new TrainingDivergedException($"{what}; the state after step {step} is saved in {options.CheckpointPath} (try a lower --lr and --resume)", step + 1, options.CheckpointPath);
        }
        if (File.Exists(options.CheckpointPath))
        {
            long at = TrainingCheckpoint.ReadStep(IO.SafeTensorsFile.Open(options.CheckpointPath).Metadata, options.CheckpointPath);
            return new TrainingDivergedException($"{what}; the last good checkpoint is {options.CheckpointPath} (step {at}) (try a lower --lr)", step + 1, options.CheckpointPath);
        }
        return new TrainingDivergedException($"{what}, before any checkpoint was written (nothing saved; try a lower --lr)", step + 1, null);
    }

    /// <summary>Linear warm-up to the base rate, constant, then (from DecayStart) a cosine to zero at the last step.</summary>
    public static double LearningRateAt(TrainingOptions o, long step)
    {
        if (o.WarmupSteps > 0 && step < o.WarmupSteps) return o.LearningRate * (step + 1) / o.WarmupSteps;
        if (o.DecayStart <= 0 || step < o.DecayStart) return o.LearningRate;
        double done = (double)(step - o.DecayStart) / (o.Steps - o.DecayStart);
        return o.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(done, 1)));
    }

    /// <summary>The options a checkpoint was trained with (its "training" metadata), or null when it has none.</summary>
    static TrainingOptions? TrainingOptionsIn(string checkpoint)
    {
        var json = SafeTensorsFile.Open(checkpoint).Metadata.GetValueOrDefault("training");
        try { return json is null ? null : System.Text.Json.JsonSerializer.Deserialize<TrainingOptions>(json); }
        catch (System.Text.Json.JsonException) { return null; }
    }
}
