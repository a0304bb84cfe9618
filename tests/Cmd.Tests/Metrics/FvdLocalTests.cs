using Cmd.Data;
using Cmd.Metrics.Fvd;
using static TorchSharp.torch;
using Cmd.Evaluation;
using Cmd.Training;

namespace Cmd.Tests.Metrics;

public class FvdLocalTests
{
    static Tensor TinyClips(int n, long seed) =>
        cat(FrechetVideoDistance.Batches(new MovingMnist(MovingMnistConfig.Tiny with { Split = MnistSplit.Test }, n, seed), n, 8).ToList(), 0);

    [Fact]
    public void CorruptionsDoWhatTheySay()
    {
        using var v = TinyClips(4, 1);
        using (var same = VideoCorruptions.Apply(v, CorruptionKind.Noise, 0, 1)) Assert.True(same.eq(v).all().item<bool>());
        using (var noisy = VideoCorruptions.Apply(v, CorruptionKind.Noise, 0.2, 1))
        {
            Assert.InRange((noisy - v).std().item<float>(), 0.1, 0.25);
            Assert.True(noisy.max().item<float>() <= 1 && noisy.min().item<float>() >= -1);
        }
        using (var blurred = VideoCorruptions.Apply(v, CorruptionKind.Blur, 1.5, 1))
        {
            Assert.Equal(v.shape, blurred.shape);
            Func<Tensor, float> tv = x => (x[.., .., .., 1..] - x[.., .., .., ..^1]).abs().mean().item<float>();
            Assert.True(tv(blurred) < 0.7 * tv(v));
        }
        using (var shuffled = VideoCorruptions.Apply(v, CorruptionKind.Shuffle, 1.0, 3))
        {
            // same frames per clip, in another order
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(v[i].sum().item<float>(), shuffled[i].sum().item<float>(), 2);
                Assert.False(shuffled[i].eq(v[i]).all().item<bool>());
            }
        }
        Assert.Throws<ArgumentException>(() => VideoCorruptions.Apply(v[0], CorruptionKind.Noise, 0.1, 1));
    }

    [Fact]
    public void DetectorFeaturesSaveAndLoad()
    {
        manual_seed(5);
        using var model = new LocalVideoDetector();
        using var v = TinyClips(3, 2);
        using var f = model.Features(v);
        Assert.Equal(new long[] { 3, LocalVideoDetector.FeatureDim }, f.shape);
        Assert.False(model.GetParameterNaNs());
        string path = Path.Combine(Path.GetTempPath(), $"det-{Guid.NewGuid():N}.safetensors");
        try
        {
            Cmd.IO.ModuleState.Save(model, path, new Dictionary<string, string> { ["channels"] = "1" });
            using var loaded = LocalFvdDetector.Load(path);
            model.eval();
            using var f1 = model.Features(v);
            using var f2 = loaded.Features(v);
            Assert.True(f1.allclose(f2, 1e-5, 1e-6));
            Assert.Equal("FVD-local", loaded.Protocol);
        }
        finally { File.Delete(path); }
        Assert.Contains("fvd train-local", Assert.Throws<FileNotFoundException>(() => LocalFvdDetector.Load("/nope/x.safetensors")).Message);
        Assert.Contains("C=1", Assert.Throws<ArgumentException>(() => model.Features(zeros(new long[] { 1, 8, 3, 32, 32 }))).Message);
    }

    [Fact]
    public void SanityRunsWritesAnOfflineChartAndIdentityReconstructionIsZero()
    {
        manual_seed(7);
        using var detector = new LocalFvdDetector(new LocalVideoDetector(), "random-init");
        var report = FvdSanity.Run(detector, MovingMnistConfig.Tiny, clips: 12, batch: 12);
        Assert.Equal(3 * 6, report.Points.Count);
        // even an untrained conv detector separates heavy corruption from real
        Assert.True(report.Points.Single(p => p.Kind == CorruptionKind.Noise && p.Level == 0.8).Fvd > report.RealVsReal);
        string dir = Path.Combine(Path.GetTempPath(), $"sanity-{Guid.NewGuid():N}");
        try
        {
            string html = FvdSanity.Write(report, dir);
            string text = File.ReadAllText(html);
            Assert.True(text.Length > 1_000_000, "plotly.js is inlined (offline)"); // the full library is ~3.6 MB
            Assert.DoesNotContain("<script src=\"https://cdn.plot.ly", text);
            Assert.Contains("random-init", text);
            Assert.Equal(19, File.ReadAllLines(Path.Combine(dir, "fvd-local-sanity.csv")).Length);
        }
        finally { Directory.Delete(dir, true); }

        using var v = TinyClips(16, 9);
        var r = FrechetVideoDistance.Reconstruction(detector, FrechetVideoDistance.Batches(v, 8), x => x.clone());
        Assert.Equal(0, r.Value, 6);
        Assert.StartsWith("R-FVD-local", r.ToString());
    }

    [Fact]
    public void ShippedDetectorRecognisesHeldOutDigits()
    {
        // data/fvd-local/mmnist-c3d.safetensors (trained by `workbench fvd train-local`, see data/fvd-local/README.md):
        // a detector that learned nothing scores ~2% here (chance of naming both digits), the shipped one ~94%.
        using var detector = LocalVideoDetector.Load(Path.Combine(RepoData.DataDirectory, "fvd-local", "mmnist-c3d.safetensors"));
        double accuracy = LocalDetectorTraining.TestAccuracy(detector, MovingMnistConfig.Small with { Split = MnistSplit.Test }, clips: 64);
        Assert.True(accuracy > 0.8, $"held-out accuracy {accuracy:P1}");
    }
}

static class DetectorTestExtensions
{
    public static bool GetParameterNaNs(this TorchSharp.torch.nn.Module m) => m.parameters().Any(p => p.isnan().any().item<bool>() || p.abs().max().item<float>() > 1e6);
}
