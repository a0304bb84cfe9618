using Cmd.Data;
using Cmd.IO;
using Cmd.Metrics.Fvd;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Training;

/// <summary>The local FVD detector trained by `workbench fvd train-local`.</summary>
public class LocalDetectorTrainingTests
{
    [Fact]
    public void ShippedDetectorRecognisesHeldOutDigits()
    {
        // data/fvd-local/mmnist-c3d.safetensors (trained by `workbench fvd train-local`, see data/fvd-local/README.md):
        // a detector that learned nothing scores ~2% here (chance of naming both digits), the shipped one ~94%.
        using var detector = LocalVideoDetector.Load(Path.Combine(RepoData.DataDirectory, "fvd-local", "mmnist-c3d.safetensors"));
        double accuracy = LocalDetectorTraining.TestAccuracy(detector, MovingMnistConfig.Small with { Split = MnistSplit.Test }, clips: 64);
        Assert.True(accuracy > 0.8, $"held-out accuracy {accuracy:P1}");
    }

    [Fact]
    public void TargetsAreMultiHotOverTheClipsDigits()
    {
        var data = new MovingMnist(MovingMnistConfig.Tiny with { Split = MnistSplit.Train }, 6, seed: 3);
        var (videos, targets) = LocalDetectorTraining.Batch(data, [0, 5, 2]);
        Assert.Equal(new long[] { 3, data.Get(0).Frames.shape[0], 1, 32, 32 }, videos.shape);
        int[] rows = [0, 5, 2];
        for (int i = 0; i < 3; i++)
        {
            var classes = data.Tracks(rows[i]).Select(t => t.Class).ToHashSet();
            var hot = Enumerable.Range(0, 10).Where(c => targets[i, c].item<float>() == 1f).ToHashSet();
            Assert.True(classes.SetEquals(hot), $"clip {rows[i]}: digits {string.Join(",", classes)}, target {string.Join(",", hot)}");
            Assert.Equal(classes.Count, targets[i].sum().item<float>());
        }
    }

    /// <summary>A short run at the tiny preset: the loss falls, the weights file carries its metadata and loads back to the
    /// same detector (same logits, same test accuracy).</summary>
    [Fact]
    public void TinyRunLowersTheLossAndWritesALoadableDetector()
    {
        var dir = Fixtures.TempDir("fvd-local");
        var weights = Path.Combine(dir, "detector.safetensors");
        manual_seed(0);
        var o = new LocalDetectorTraining.Options(Preset: "tiny", Steps: 24, BatchSize: 8, LearningRate: 3e-3, Clips: 192,
            OutDir: Path.Combine(dir, "run"), Progress: false);
        var r = LocalDetectorTraining.Train(o, weights, new Dictionary<string, string> { ["by"] = "test" });
        Assert.Equal(24, r.Training.EndStep);
        Assert.True(r.Training.MeanLossLast10Percent < 0.9 * r.Training.FirstLoss,
            $"loss {r.Training.FirstLoss:G4} -> {r.Training.MeanLossLast10Percent:G4}");
        var meta = SafeTensors.LoadMetadata(weights);
        Assert.Equal("test", meta["by"]);
        Assert.Equal("24", meta["steps"]);
        Assert.Equal(r.TestAccuracy.ToString("F4", System.Globalization.CultureInfo.InvariantCulture), meta["test_accuracy"]);
        using var loaded = LocalVideoDetector.Load(weights);
        var test = MovingMnistConfig.Tiny with { Split = MnistSplit.Test };
        Assert.Equal(LocalDetectorTraining.TestAccuracy(r.Detector, test, 32), LocalDetectorTraining.TestAccuracy(loaded, test, 32));
        var (x, _) = LocalDetectorTraining.Batch(new MovingMnist(test, 4, seed: 9), [0, 1, 2, 3]);
        using var _ = no_grad();
        loaded.eval(); r.Detector.eval();
        Assert.True(loaded.call(x).allclose(r.Detector.call(x), rtol: 1e-5, atol: 1e-6));
    }
}
