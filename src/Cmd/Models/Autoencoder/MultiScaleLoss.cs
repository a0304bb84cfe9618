using static TorchSharp.torch;

namespace Cmd.Models.Autoencoder;

/// <summary>
/// Workbench loss term, in neither paper nor code (<see cref="AutoencoderConfig.MultiScaleLevels"/>): the reconstruction
/// loss again on the frames blurred by Gaussians of σ = 1, 2, .. 2^(n-1) pixels, each level weighted as the sharp term.
/// A sharp stroke a few pixels from its place overlaps nothing and gives a warp's shift no gradient; blurred, it overlaps
/// its target, so the warp learns large motions (the coarse-to-fine of image registration).
/// </summary>
public static class MultiScaleLoss
{
    /// <summary>Σ_{k<levels} loss(G_{2^k} * (recon + 1), G_{2^k} * (target + 1)); recon, target [B, L, C, H, W] in [-1, 1].</summary>
    public static Tensor Blurred(Tensor recon, Tensor target, int levels, Func<Tensor, Tensor, Tensor> loss)
    {
        var r = (recon + 1).flatten(0, 1);                                  // [B·L, C, H, W], background 0
        var t = (target + 1).flatten(0, 1);
        var sum = zeros(1, dtype: recon.dtype, device: recon.device).squeeze();
        for (int k = 0; k < levels; k++)
            sum = sum + loss(Blur(r, 1 << k), Blur(t, 1 << k));
        return sum;
    }

    /// <summary>x [N, C, H, W] convolved with a separable Gaussian of std σ pixels (radius 3σ, zeros beyond the frame):
    /// G_H x G_Wᵀ with banded matrices, not a convolution, since oneDNN's gradient of a 1-channel convolution is wrong on
    /// some CPUs (Runtime/ConvolutionCheck.cs) and this loss must not depend on the machine.</summary>
    public static Tensor Blur(Tensor x, double sigma) =>
        Band(x.shape[2], sigma, x).matmul(x).matmul(Band(x.shape[3], sigma, x).t());

    /// <summary>[n, n]: entry (i, j) is the normalised Gaussian weight of offset j - i, zero beyond the radius 3σ.</summary>
    static Tensor Band(long n, double sigma, Tensor like)
    {
        int radius = (int)Math.Ceiling(3 * sigma);
        var offsets = arange(-radius, radius + 1, dtype: like.dtype, device: like.device);
        var total = (-offsets.square() / (2 * sigma * sigma)).exp().sum();
        var positions = arange(n, dtype: like.dtype, device: like.device);
        var d = positions.view(1, -1) - positions.view(-1, 1);                 // j - i
        return ((-d.square() / (2 * sigma * sigma)).exp() / total).masked_fill(d.abs() > radius, 0);
    }
}
