using Cmd.IO;
using Cmd.Metrics.Fvd;
using static TorchSharp.torch;

namespace Cmd.Tests.Metrics.Fvd;

/// <summary>PVDM's FVD protocol: its video preprocessing before the I3D detector.</summary>
public class PvdmDetectorTests
{
    static readonly string Fixture = Path.Combine(MetricsFixtures.Dir("fvd"), "inception_i3d_reference.safetensors");

    [Fact]
    public void PreprocessingMatchesPvdm()
    {
        var file = SafeTensorsFile.Open(Fixture);
        using var video = file.Read("video");
        using var expected = file.Read("preprocessed").to(ScalarType.Float32);
        using var pre = PvdmDetector.Preprocess(video);
        Assert.Equal(expected.shape, pre.shape);
        Assert.True(pre.allclose(expected, atol: 2e-3), $"max diff {(pre - expected).abs().max().item<float>()}");
        Assert.Contains("not found", Assert.Throws<FileNotFoundException>(() => PvdmDetector.Load("/nope/i3d.safetensors")).Message);
    }
}
