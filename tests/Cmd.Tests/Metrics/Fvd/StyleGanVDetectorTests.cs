using Cmd.IO;
using Cmd.Metrics.Fvd;
using static TorchSharp.torch;

namespace Cmd.Tests.Metrics.Fvd;

/// <summary>StyleGAN-V's FVD protocol: its TorchScript I3D detector and clip sampling.</summary>
public class StyleGanVDetectorTests
{
    static readonly string Dir = MetricsFixtures.Dir("fvd");

    [Fact]
    public void StandInTorchScriptIsLoadedAndCalledLikeStyleGanV()
    {
        using var detector = new StyleGanVDetector(Path.Combine(Dir, "standin_i3d_torchscript.pt"));
        var io = SafeTensors.Load(Path.Combine(Dir, "standin_i3d_io.safetensors"));
        using var f = detector.Features(io["videos"]);
        Assert.Equal(new long[] { 2, 400 }, f.shape);
        // same uint8 quantisation, channel repeat, layout and (rescale, resize, return_features) = true as PyTorch got
        Assert.True(f.allclose(io["features"], rtol: 1e-4, atol: 1e-5), $"max diff {(f - io["features"]).abs().max().item<float>()}");
        Assert.Equal("FVD StyleGAN-V", detector.Protocol);
        Assert.Equal("standin_i3d_torchscript.pt", detector.DetectorName);
        var fvd = FrechetVideoDistance.Compute(detector, [io["videos"]], [io["videos"]]);
        Assert.InRange(fvd.Value, -1e-4, 1e-4);
        Assert.Contains("FVD StyleGAN-V", fvd.ToString());
        Assert.Contains("standin_i3d_torchscript.pt", fvd.ToString());
    }

    [Fact]
    public void ClipSamplingAndBadInputs()
    {
        using var video = arange(20).view(20, 1, 1, 1).to(ScalarType.Float32);
        var clip = StyleGanVDetector.RandomClip(video, new Random(1))!;
        Assert.Equal(16, clip.shape[0]);
        Assert.Equal(1, (clip[1] - clip[0]).item<float>()); // consecutive frames
        Assert.Null(StyleGanVDetector.RandomClip(video[..10], new Random(1))); // short videos are discarded
        Assert.Contains("not found", Assert.Throws<FileNotFoundException>(() => new StyleGanVDetector("/nope/i3d.pt")).Message);
        Assert.Contains("TorchScript", Assert.Throws<InvalidDataException>(() => new StyleGanVDetector(Path.Combine(Dir, "make_standin_i3d.py"))).Message);
        Assert.Equal("x.pt", StyleGanVDetector.ResolvePath("x.pt"));
        using var u8 = StyleGanVDetector.ToDetectorInput(full(new long[] { 1, 4, 1, 6, 8 }, 1.0f));
        Assert.Equal(new long[] { 1, 3, 4, 6, 6 }, u8.shape); // square centre crop, 3 channels, [B, C, T, H, W]
        Assert.Equal(255, u8.max().item<byte>());
    }
}
