using System.Globalization;
using Cmd.Data;
using Cmd.IO;
using Cmd.Metrics.Efficiency;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Benchmarks;

/// <summary>
/// The CMD autoencoder's training step as `ae train` takes it (<see cref="Trainer.Step"/>: L2 loss of Eqs. 3-6, backward,
/// the config's Adam), on a real Moving MNIST batch; its PyTorch twin (bench/autoencoder_step.py: the same modules under
/// the same key names, loaded strictly from the weights and batch this side writes, so both start from the same state);
/// and the data loader's time for a batch of the same size.
/// </summary>
public static class AutoencoderBenchmark
{
    /// <summary>A freshly initialised model with its optimizer and one training batch [B, L, C, H, W].</summary>
    public sealed class Setup : IDisposable
    {
        public required CmdAutoencoder Model { get; init; }
        public required AdamOptimizer Optimizer { get; init; }
        public required Tensor Batch { get; init; }
        public AutoencoderConfig Config => Model.Config;
        public int BatchSize => (int)Batch.shape[0];

        /// <summary>One training step as `ae train` takes it; its loss.</summary>
        public double Step() => Trainer.Step(Model, Optimizer, () => Model.Loss(Batch));

        public void Dispose() { Optimizer.Dispose(); Model.Dispose(); Batch.Dispose(); }
    }

    /// <summary>Step times and losses; the twin's also its fp32 matmul rate, sampled between its steps.</summary>
    public sealed record Result(StepTiming Timing, double[] Losses, double? MatmulGflops = null);

    /// <summary>The model `ae train` would start (seed 0) and the first batch of its Moving MNIST training clips.</summary>
    public static Setup Create(AutoencoderConfig config, int batch, int seed = 0) =>
        Create(config, AutoencoderData.Batches(OpenTrainingClips(config, batch, seed), batch, seed)(0).DetachFromDisposeScope(), seed);

    /// <summary>The model `ae train` would start (seed) with the given batch [B, L, C, H, W] (the setup owns it).</summary>
    public static Setup Create(AutoencoderConfig config, Tensor video, int seed = 0)
    {
        manual_seed(seed);
        var model = new CmdAutoencoder(config);
        model.train();
        var optimizer = AdamOptimizer.For(model, AutoencoderTraining.Options(config));
        return new Setup { Model = model, Optimizer = optimizer, Batch = video };
    }

    static IVideoDataset OpenTrainingClips(AutoencoderConfig c, int batch, int seed) =>
        VideoDatasets.Open(AutoencoderData.DatasetFor(c, count: Math.Max(256, 4 * batch), seed: seed, split: MnistSplit.Train));

    /// <summary>FLOPs of one training step: the profiled forward (every Linear, conv and attention matmul) x 3 (forward + backward).</summary>
    public static double TrainingStepFlops(Setup s)
    {
        using var profiler = new FlopProfiler(s.Model);
        using (no_grad()) { using var scope = NewDisposeScope(); s.Model.Loss(s.Batch); }
        return ModelFlops.TrainingStep(profiler.Total);
    }

    /// <summary>Times <paramref name="steps"/> training steps after <paramref name="warmup"/>; the losses of all of them, in order.
    /// <paramref name="between"/> runs before each timed step, outside its time.</summary>
    public static Result Time(Setup s, int warmup, int steps, Action? between = null)
    {
        s.Model.train();
        var losses = new List<double>();
        var timing = StepTiming.Run("workbench", () => losses.Add(s.Step()), warmup, steps, between);
        return new Result(timing, losses.ToArray());
    }

    /// <summary>Where a step's time goes: medians over <paramref name="steps"/> steps of zeroing the gradients, the forward
    /// (loss), the backward and the optimizer step, each timed alone (after <paramref name="warmup"/> whole steps).</summary>
    public static IReadOnlyList<StepTiming> Phases(Setup s, int warmup, int steps) =>
        StepPhases.Run(s.Model, s.Optimizer, () => s.Model.Loss(s.Batch), warmup, steps);

    /// <summary>Writes the twin's input: the weights under "w.{name}", the batch as "io.video", the config and Adam settings as metadata.</summary>
    public static void WriteTwinInput(Setup s, string path)
    {
        var tensors = s.Model.state_dict().ToDictionary(kv => "w." + kv.Key, kv => kv.Value);
        tensors["io.video"] = s.Batch;
        var o = s.Optimizer;
        var meta = new Dictionary<string, string>
        {
            ["config"] = s.Config.ToJson(),
            ["adam"] = string.Create(CultureInfo.InvariantCulture,
                $"{{\"lr\": {o.LearningRate:R}, \"beta1\": {o.Beta1:R}, \"beta2\": {o.Beta2:R}, \"eps\": {o.Eps:R}, \"weight_decay\": {o.WeightDecay:R}, \"decoupled\": {(o.Decoupled ? "true" : "false")}}}"),
        };
        SafeTensors.Save(path, tensors, meta);
    }

    /// <summary>Runs the twin on a file of <see cref="WriteTwinInput"/>: its step times and the losses of every step.</summary>
    public static Result RunTwin(PyTorchReference py, string script, string input, int warmup, int steps, out string torchVersion, out string? blasCore)
    {
        var o = py.Run([script, "--input", input, "--warmup", Str(warmup), "--steps", Str(steps)]);
        torchVersion = o.Json.GetProperty("torch").GetString() ?? "?";
        blasCore = o.BlasCore;
        return new Result(Timing("PyTorch twin", o.Json), Doubles(o.Json.GetProperty("losses")), o.Json.GetProperty("matmul_gflops").GetDouble());
    }

    /// <summary>The twin served one step at a time (<see cref="ServedSteps"/>), started from <paramref name="s"/>'s
    /// weights and batch as they are now, after its <paramref name="warmup"/> steps.</summary>
    public static ServedSteps Serve(PyTorchReference py, string script, Setup s, int warmup, int matmulSize = 1024)
    {
        string input = Path.Combine(Path.GetTempPath(), $"cmd-bench-ae-{Environment.ProcessId}-{Guid.NewGuid():N}.safetensors");
        WriteTwinInput(s, input);
        try
        {
            return ServedSteps.Start(py,
                [script, "--input", input, "--warmup", Str(warmup), "--matmul-size", Str(matmulSize)]);
        }
        finally { File.Delete(input); }                 // read by the twin before its ready line
    }

    /// <summary>Time to load one training batch of <paramref name="batch"/> clips, as the trainer does it (on its thread).</summary>
    public static StepTiming TimeLoader(AutoencoderConfig config, int batch, int warmup, int steps, int seed = 0)
    {
        var batches = AutoencoderData.Batches(OpenTrainingClips(config, batch, seed), batch, seed);
        long step = 0;
        return StepTiming.Run("data loader", () => { using var scope = NewDisposeScope(); batches(step++); }, warmup, steps);
    }

    static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);
    internal static double[] Doubles(System.Text.Json.JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    /// <summary>A PyTorch script's step_seconds and cpu_seconds_per_step.</summary>
    internal static StepTiming Timing(string name, System.Text.Json.JsonElement j) =>
        new(name, Doubles(j.GetProperty("step_seconds")), j.TryGetProperty("cpu_seconds_per_step", out var c) ? c.GetDouble() : double.NaN);
}
