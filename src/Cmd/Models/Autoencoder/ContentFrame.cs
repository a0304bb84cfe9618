using static TorchSharp.torch;

namespace Cmd.Models.Autoencoder;

/// <summary>The content frame x̄ of a clip: an importance-weighted sum of its frames (Eq. 3).</summary>
public static class ContentFrame
{
    /// <summary>Softmax over the time axis (dim 1) of logits [B, L, K, h, w]: the weights sum to 1 over time at every position.</summary>
    public static Tensor Weights(Tensor logits) => logits.softmax(1);

    /// <summary>
    /// x̄ = Σ_l x_l ⊙ σ(f_I(u))_l (Eq. 3). video [B, L, C, H, W]; weights broadcastable to it ([B, L, 1|C, 1|H, 1|W]).
    /// Returns [B, C, H, W].
    /// </summary>
    public static Tensor WeightedSum(Tensor video, Tensor weights) => (video * weights).sum(1);

    /// <summary>Table 4b "no weighted sum": the plain average of the frames; weights are all 1/L.</summary>
    public static Tensor PlainAverage(Tensor video) => video.mean([1]);

    /// <summary>Mean entropy over time of weights [B, L, ...] (softmax over dim 1): log L when uniform, 0 when one frame.</summary>
    public static Tensor Entropy(Tensor weights) => -(weights * weights.clamp_min(1e-12).log()).sum(1).mean();
}
