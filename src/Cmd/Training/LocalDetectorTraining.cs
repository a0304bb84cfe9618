using Cmd.Data;
using Cmd.IO;
using Cmd.Metrics.Fvd;
using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>
/// Trains the FVD-local detector on Moving MNIST: multi-label classification of the digits in the clip (the first
/// digit's class and every other digit's, as a multi-hot target with binary cross-entropy; with two digits and no
/// visual order the first digit alone is ambiguous). Clips come from the data area's MovingMnist (training split
/// of the digits), so the detector never sees the test digits used for FVD evaluation sets.
/// </summary>
public static class LocalDetectorTraining
{
    public sealed record Options(string Preset = "small", int Steps = 4000, int BatchSize = 32, double LearningRate = 2e-3,
        int Clips = 50_000, int Seed = 0, string OutDir = "runs/fvd-local", bool Progress = true, bool Resume = false);

    public sealed record Result(LocalVideoDetector Detector, TrainingResult Training, double TestAccuracy, string WeightsPath);

    public static (Tensor Videos, Tensor Targets) Batch(MovingMnist data, IReadOnlyList<int> indices)
    {
        var videos = new List<Tensor>();
        var targets = zeros(indices.Count, 10);
        for (int i = 0; i < indices.Count; i++)
        {
            using var clip = data.Get(indices[i]);
            videos.Add(clip.Frames.clone());
            foreach (var t in data.Tracks(indices[i])) targets[i, t.Class] = 1.0f;
        }
        var batch = stack(videos);
        foreach (var v in videos) v.Dispose();
        return (batch, targets);
    }

    public static Result Train(Options o, string weightsPath, IReadOnlyDictionary<string, string> metadata)
    {
        var cfg = MovingMnistConfig.Preset(o.Preset) with { Split = MnistSplit.Train };
        var data = new MovingMnist(cfg, o.Clips, seed: 1000 + o.Seed);
        var detector = new LocalVideoDetector(cfg.Channels);
        var options = new TrainingOptions
        {
            Steps = o.Steps, LearningRate = o.LearningRate, Beta1 = 0.9, Beta2 = 0.999, WarmupSteps = 50, Seed = o.Seed,
            OutDir = o.OutDir, CheckpointEvery = 100, LogEvery = 10, Progress = o.Progress, Resume = o.Resume,
        };
        var training = Trainer.Run(detector, step =>
        {
            var indices = Enumerable.Range(0, o.BatchSize).Select(i => (int)((step * o.BatchSize + i) % data.Count)).ToArray();
            var (x, y) = Batch(data, indices);
            return nn.functional.binary_cross_entropy_with_logits(detector.call(x), y);
        }, options, label: "fvd-local detector");
        double accuracy = TestAccuracy(detector, cfg with { Split = MnistSplit.Test }, 256);
        var meta = new Dictionary<string, string>(metadata)
        {
            ["detector"] = "fvd-local c3d", ["feature_dim"] = LocalVideoDetector.FeatureDim.ToString(),
            ["dataset"] = $"mmnist {o.Preset} (train digits)", ["steps"] = o.Steps.ToString(), ["batch"] = o.BatchSize.ToString(),
            ["test_accuracy"] = accuracy.ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
            ["final_loss"] = double.IsNaN(training.MeanLossLast10Percent) ? "see loss log" : training.MeanLossLast10Percent.ToString("G5", System.Globalization.CultureInfo.InvariantCulture),
            ["channels"] = cfg.Channels.ToString(),
        };
        ModuleState.Save(detector, weightsPath, meta);
        return new Result(detector, training, accuracy, weightsPath);
    }

    /// <summary>Fraction of test clips (test digits) whose two most likely classes are exactly the digits present.</summary>
    public static double TestAccuracy(LocalVideoDetector detector, MovingMnistConfig cfg, int clips, int batch = 32)
    {
        var data = new MovingMnist(cfg, clips, seed: 777);
        int correct = 0;
        bool wasTraining = detector.training;
        detector.eval();
        for (int start = 0; start < clips; start += batch)
        {
            using var scope = NewDisposeScope();
            var idx = Enumerable.Range(start, Math.Min(batch, clips - start)).ToArray();
            var (x, y) = Batch(data, idx);
            using var _ = no_grad();
            var logits = detector.call(x);
            for (int i = 0; i < idx.Length; i++)
            {
                var truth = data.Tracks(idx[i]).Select(t => t.Class).ToHashSet();
                var top = logits[i].topk(truth.Count).indexes.data<long>().Select(v => (int)v).ToHashSet();
                if (top.SetEquals(truth)) correct++;
            }
        }
        detector.train(wasTraining);
        return (double)correct / clips;
    }
}
