using Cmd.IO;
using Cmd.Metrics;
using static TorchSharp.torch;

namespace Cmd.Tests.Metrics;

/// <summary>SSIM against scikit-image 0.19 (fixture made by tests/fixtures/ssim/make_fixture.py).</summary>
public class SsimTests
{
    static Dictionary<string, Tensor> Fixture() => SafeTensors.Load(Fixtures.Path("ssim/ssim_psnr.safetensors"));

    [Theory]
    [InlineData(0)] [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)]
    public void SsimMatchesScikitImage(int k)
    {
        var f = Fixture();
        double expected = f[$"ssim{k}"].item<double>();
        Assert.Equal(expected, Ssim.Compute(f[$"a{k}"], f[$"b{k}"], dataRange: 1.0), 10);
        // the same images as one-frame clips in [-1, 1] give the same SSIM (PerClip compares them on [0, 1])
        Tensor Clip(Tensor t) => (t * 2 - 1).unsqueeze(0).unsqueeze(0);
        Assert.Equal(expected, Ssim.PerClip(Clip(f[$"a{k}"]), Clip(f[$"b{k}"]))[0], 10);
    }

    [Fact]
    public void PerClipAveragesFrames()
    {
        manual_seed(0);
        var a = rand(new long[] { 2, 3, 1, 16, 16 }) * 2 - 1;
        var b = (a + 0.1 * randn(a.shape)).clamp(-1, 1);
        var perClip = Ssim.PerClip(a, b);
        double frameMean = Enumerable.Range(0, 3).Average(l => Ssim.Compute((a[1, l] + 1) / 2, (b[1, l] + 1) / 2));
        Assert.Equal(frameMean, perClip[1], 6);
    }

    [Fact]
    public void BadInputsAreClearErrors()
    {
        Assert.Contains("shapes differ", Assert.Throws<ArgumentException>(() => Ssim.Compute(zeros(1, 16, 16), zeros(1, 16, 15))).Message);
        Assert.Contains("at least 11x11", Assert.Throws<ArgumentException>(() => Ssim.Compute(zeros(1, 8, 8), zeros(1, 8, 8))).Message);
    }
}
