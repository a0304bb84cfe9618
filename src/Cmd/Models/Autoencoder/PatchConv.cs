using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Autoencoder;

/// <summary>
/// The autoencoder's single-conv pre-layer (and g_I): a convolution whose kernel equals its stride p. Its patches never
/// overlap, so it is one matrix product of the p x p patches with the kernel, and that is how it is computed here:
/// oneDNN's strided convolution kernels take 10x longer for the input gradient into one channel (small preset: 11 vs
/// 1.2 ms). Same parameters (weight [out, in, p, p], bias [out]) and initialisation as nn.Conv2d(in, out, p, stride: p).
/// </summary>
public sealed class PatchConv2d : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight, bias;
    public int PatchSize { get; }

    public PatchConv2d(int inChannels, int outChannels, int patchSize) : base(nameof(PatchConv2d))
    {
        PatchSize = patchSize;
        using (var init = nn.Conv2d(inChannels, outChannels, patchSize, stride: patchSize))   // nn.Conv2d's initialisation
            (weight, bias) = (nn.Parameter(init.weight!.detach().clone()), nn.Parameter(init.bias!.detach().clone()));
        RegisterComponents();
    }

    public Parameter Weight => weight;

    /// <summary>[N, C, H, W] -> [N, out, H/p, W/p] (a channels-last view: permute(0, 2, 3, 1) of it is contiguous).</summary>
    public override Tensor forward(Tensor x)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2] / PatchSize, w = x.shape[3] / PatchSize;
        int p = PatchSize;
        var patches = x.reshape(n, c, h, p, w, p).permute(0, 2, 4, 1, 3, 5).reshape(n * h * w, c * p * p);
        var y = nn.functional.linear(patches, weight.view(weight.shape[0], -1), bias);          // [N H' W', out]
        return y.view(n, h, w, weight.shape[0]).permute(0, 3, 1, 2);
    }
}

/// <summary>
/// The single-conv post-layer (and f_I's): a transposed convolution whose kernel equals its stride p, i.e. every input
/// position writes its own p x p patch: one matrix product, then the patches laid out as pixels. oneDNN's kernel for the
/// transposed convolution into one channel takes 10-20x longer (small preset: 10 vs 0.5 ms forward). Same parameters
/// (weight [in, out, p, p], bias [out]) and initialisation as nn.ConvTranspose2d(in, out, p, stride: p).
/// </summary>
public sealed class PatchConvTranspose2d : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight, bias;
    public int PatchSize { get; }

    public PatchConvTranspose2d(int inChannels, int outChannels, int patchSize) : base(nameof(PatchConvTranspose2d))
    {
        PatchSize = patchSize;
        using (var init = nn.ConvTranspose2d(inChannels, outChannels, patchSize, stride: patchSize))
            (weight, bias) = (nn.Parameter(init.weight!.detach().clone()), nn.Parameter(init.bias!.detach().clone()));
        RegisterComponents();
    }

    public Parameter Weight => weight;

    /// <summary>[N, in, H', W'] -> [N, out, H' p, W' p].</summary>
    public override Tensor forward(Tensor x)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3], o = weight.shape[1];
        int p = PatchSize;
        var tokens = x.permute(0, 2, 3, 1).reshape(n * h * w, c);
        var patches = nn.functional.linear(tokens, weight.view(c, o * p * p).t(), bias.repeat_interleave(p * p)); // [N H' W', out p p]
        return patches.view(n, h, w, o, p, p).permute(0, 3, 1, 4, 2, 5).reshape(n, o, h * p, w * p);
    }
}
