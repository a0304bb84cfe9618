using Cmd.IO;
using Cmd.Metrics;
using static TorchSharp.torch;

namespace Cmd.Tests.Metrics;

/// <summary>PSNR against scikit-image 0.19 (fixture made by tests/fixtures/ssim/make_fixture.py).</summary>
public class PsnrTests
{
    static Dictionary<string, Tensor> Fixture() => SafeTensors.Load(Fixtures.Path("ssim/ssim_psnr.safetensors"));

    [Theory]
    [InlineData(0)] [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)]
    public void PsnrMatchesScikitImage(int k)
    {
        var f = Fixture();
        double expected = f[$"psnr{k}"].item<double>();
        double ours = Psnr.Compute(f[$"a{k}"], f[$"b{k}"], dataRange: 1.0);
        if (double.IsPositiveInfinity(expected)) Assert.True(double.IsPositiveInfinity(ours));
        else Assert.Equal(expected, ours, 9);
    }

    [Fact]
    public void PerItemUsesOneMsePerClip()
    {
        manual_seed(0);
        var a = rand(new long[] { 2, 3, 1, 16, 16 }) * 2 - 1;
        var b = (a + 0.1 * randn(a.shape)).clamp(-1, 1);
        var psnr = Psnr.PerItem(a, b);
        Assert.Equal(Psnr.Compute(a[0], b[0]), psnr[0], 10);
        Assert.Equal(Psnr.Compute((a[0] + 1) / 2, (b[0] + 1) / 2, dataRange: 1), psnr[0], 5); // PSNR is shift-invariant
    }
}
