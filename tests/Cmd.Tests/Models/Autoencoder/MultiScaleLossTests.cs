using Cmd.Models.Autoencoder;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Autoencoder;

/// <summary>The workbench's multi-scale reconstruction loss: blurred levels that let a warp see a distant target.</summary>
public class MultiScaleLossTests
{
    [Fact]
    public void TheBlurIsANormalisedGaussianOfTheGivenWidth()
    {
        var x = zeros(1, 1, 33, 33);
        x[0, 0, 16, 16] = 1f;
        var y = MultiScaleLoss.Blur(x, 2.0);
        Assert.Equal(1.0, y.sum().item<float>(), 4);                          // the radius 3σ keeps all but 0.3% of the mass
        double ratio = y[0, 0, 16, 19].item<float>() / y[0, 0, 16, 16].item<float>();
        Assert.Equal(Math.Exp(-9 / 8.0), ratio, 4);                           // exp(-d² / 2σ²), d = 3, σ = 2
        Assert.Equal(y[0, 0, 13, 16].item<float>(), y[0, 0, 16, 19].item<float>(), 6);
    }

    [Fact]
    public void TheBlurIsTheZeroPaddedConvolution()
    {
        var x = randn(3, 2, 20, 24, dtype: float64);
        var g = MultiScaleLoss.Blur(x, 2.0);
        var offsets = arange(-6, 7, dtype: float64);
        var k = (-offsets.square() / 8).exp();
        k = k / k.sum();
        var rows = k.view(1, 1, -1, 1).expand(2, 1, -1, 1);                 // float64: libtorch's own kernel, not oneDNN
        var cols = k.view(1, 1, 1, -1).expand(2, 1, 1, -1);
        var reference = nn.functional.conv2d(nn.functional.conv2d(x, rows, padding: [6, 0], groups: 2), cols,
            padding: [0, 6], groups: 2);
        Assert.True((g - reference).abs().max().item<double>() < 1e-12);
    }

    // Failed on 2026-12-04's AMD EPYC while the blur was a convolution: oneDNN's input gradient of a 1-channel 25x1
    // convolution was 21-24% off there and changed between calls (Runtime/ConvolutionCheck.cs).
    [Fact]
    public void ASharpLossGivesADistantSpriteNoPullAndTheBlurredLevelsPullItToItsTarget()
    {
        var warp = new SeparableWarp(latentChannels: 2, components: 1, height: 32);
        using (no_grad())
        {
            warp.get_parameter("log_sigma")!.fill_(Math.Log(0.5));
            foreach (var name in new[] { "proj_x", "proj_y" }) warp.get_parameter($"{name}.weight")!.zero_();
            warp.get_parameter("proj_x.bias")![1] = 20f;                      // boxes open
            warp.get_parameter("proj_y.bias")![1] = 20f;
        }
        var content = full(new long[] { 1, 1, 32, 32 }, -1f);
        content[0, 0, TensorIndex.Slice(8, 11), TensorIndex.Slice(8, 11)] = 1f;
        var target = full(new long[] { 1, 4, 1, 32, 32 }, -1f);
        target[TensorIndex.Colon, TensorIndex.Colon, 0, TensorIndex.Slice(20, 23), TensorIndex.Slice(8, 11)] = 1f; // 12 rows down
        double Pull(int levels)
        {
            warp.zero_grad();
            var recon = warp.Decode(content, zeros(1, 2, 4, 4), zeros(1, 2, 4, 4));
            Func<Tensor, Tensor, Tensor> l2 = (a, b) => nn.functional.mse_loss(a, b);
            var loss = l2(recon, target) + MultiScaleLoss.Blurred(recon, target, levels, l2);
            loss.backward();
            return warp.get_parameter("proj_x.bias")!.grad![0].item<float>();  // d loss / d row shift
        }
        double sharp = Pull(0), blurred = Pull(3);
        Assert.True(blurred < 0, $"blurred pull {blurred}: a larger shift (down) must lower the loss");
        Assert.True(Math.Abs(sharp) < 1e-3 * Math.Abs(blurred), $"sharp pull {sharp} against blurred {blurred}");
    }

    [Fact]
    public void LevelsOutsideTheRangeAreAOneLineError()
    {
        var e = Assert.Throws<ArgumentException>(() => (RunPresets.Tiny.Autoencoder with { MultiScaleLevels = 7 }).Validate());
        Assert.Contains("multi-scale levels must be in 0..6", e.Message);
    }
}
