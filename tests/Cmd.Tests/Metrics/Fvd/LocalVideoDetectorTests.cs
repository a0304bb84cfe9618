using Cmd.Metrics.Fvd;
using static TorchSharp.torch;

namespace Cmd.Tests.Metrics.Fvd;

/// <summary>The local FVD detector (a small video classifier trained on Moving MNIST): features, saving and loading.</summary>
public class LocalVideoDetectorTests
{
    [Fact]
    public void DetectorFeaturesSaveAndLoad()
    {
        manual_seed(5);
        using var model = new LocalVideoDetector();
        using var v = FvdFixtures.TinyClips(3, 2);
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
}

static class DetectorTestExtensions
{
    public static bool GetParameterNaNs(this TorchSharp.torch.nn.Module m) => m.parameters().Any(p => p.isnan().any().item<bool>() || p.abs().max().item<float>() > 1e6);
}
