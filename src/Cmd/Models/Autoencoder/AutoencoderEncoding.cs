using static TorchSharp.torch;

namespace Cmd.Models.Autoencoder;

/// <summary>
/// What the encoder returns for a batch of clips. ContentFrame x̄ [B, C, H, W]; Weights: the softmax
/// importance σ(f_I(u)) [B, L, K, h, w] (K = 1 or C; h, w = H, W or 1, 1 per frame; all 1/L for the plain
/// average); Zx [B, D, L, H'], Zy [B, D, L, W'].
/// </summary>
public sealed record AutoencoderEncoding(Tensor ContentFrame, Tensor Weights, Tensor Zx, Tensor Zy)
{
    /// <summary>z = cat(z_x, z_y): [B, D, L, H' + W'].</summary>
    public Tensor Z => MotionLatent.Concat(Zx, Zy);

    /// <summary>Mean importance weight of every frame over pixels and channels: [B, L] (rows sum to 1).</summary>
    public Tensor FrameWeights => Weights.mean([2, 3, 4]);
}
