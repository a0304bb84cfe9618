using Cmd.Models.Autoencoder;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Autoencoder;

/// <summary>The patch convolutions computed as matrix products give what nn.Conv2d / nn.ConvTranspose2d give, gradients included.</summary>
public class PatchConvTests
{
    static void Close(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double err = (expected - actual).abs().max().item<float>(), scale = expected.abs().max().item<float>();
        Assert.True(err <= 1e-5 * Math.Max(1, scale), $"{what}: max difference {err} (scale {scale})");
    }

    [Theory]
    [InlineData(1, 96, 8)]
    [InlineData(3, 24, 4)]
    public void PatchConv2dIsTheStridedConvolution(int cin, int cout, int p)
    {
        manual_seed(3);
        using var conv = nn.Conv2d(cin, cout, p, stride: p);
        manual_seed(3);
        using var patch = new PatchConv2d(cin, cout, p);
        var sd = patch.state_dict();
        Assert.Equal(["bias", "weight"], sd.Keys.Order());
        Close(conv.weight!, sd["weight"], "same initialisation (weight)");
        Close(conv.bias!, sd["bias"], "same initialisation (bias)");
        var x1 = (randn(2, cin, 3 * p, 5 * p) * 2).requires_grad_();
        var x2 = x1.detach().clone().requires_grad_();
        var y1 = conv.call(x1);
        var y2 = patch.call(x2);
        Close(y1, y2, "output");
        var g = randn_like(y1);
        (y1 * g).sum().backward();
        (y2 * g).sum().backward();
        Close(x1.grad!, x2.grad!, "input gradient");
        Close(conv.weight!.grad!, patch.Weight.grad!, "weight gradient");
    }

    [Theory]
    [InlineData(96, 1, 8)]
    [InlineData(24, 3, 4)]
    public void PatchConvTranspose2dIsTheStridedTransposedConvolution(int cin, int cout, int p)
    {
        manual_seed(4);
        using var conv = nn.ConvTranspose2d(cin, cout, p, stride: p);
        manual_seed(4);
        using var patch = new PatchConvTranspose2d(cin, cout, p);
        Close(conv.weight!, patch.state_dict()["weight"], "same initialisation");
        // a channels-last view, as the autoencoder passes its tokens
        var x1 = randn(2, 3, 5, cin).permute(0, 3, 1, 2).requires_grad_();
        var x2 = x1.detach().clone().requires_grad_();
        var y1 = conv.call(x1);
        var y2 = patch.call(x2);
        Close(y1, y2, "output");
        var g = randn_like(y1);
        (y1 * g).sum().backward();
        (y2 * g).sum().backward();
        Close(x1.grad!, x2.grad!, "input gradient");
        Close(conv.weight!.grad!, patch.Weight.grad!, "weight gradient");
        Close(conv.bias!.grad!, patch.state_dict()["bias"].grad!, "bias gradient");
    }
}
