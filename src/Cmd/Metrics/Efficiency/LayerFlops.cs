namespace Cmd.Metrics.Efficiency;

/// <summary>
/// FLOPs of the layers that dominate a network's cost, counted the usual way: one multiply-add = 2 FLOPs,
/// bias adds, normalisations and activations ignored (as fvcore and the DiT paper's Gflops do; DiT reports
/// multiply-adds, i.e. half of these numbers).
/// </summary>
public static class LayerFlops
{
    /// <summary>y = x W^T (+ b) applied to <paramref name="rows"/> vectors: 2 rows in out.</summary>
    public static double Linear(double rows, long inFeatures, long outFeatures) => 2.0 * rows * inFeatures * outFeatures;

    /// <summary>A convolution producing <paramref name="outPositions"/> output positions of <paramref name="outChannels"/>: 2 positions Cout (Cin/groups) kernelVolume.</summary>
    public static double Conv(double outPositions, long inChannels, long outChannels, long kernelVolume, long groups = 1) =>
        2.0 * outPositions * outChannels * (inChannels / groups) * kernelVolume;

    /// <summary>
    /// softmax(Q K^T / sqrt d) V for <paramref name="batch"/> sequences (batch includes every folded dimension),
    /// total width <paramref name="width"/> = heads x head dim: Q K^T and A V, 2 x (2 Lq Lk width). Independent of the head count.
    /// </summary>
    public static double Attention(double batch, long queryLength, long keyLength, long width) => 4.0 * batch * queryLength * keyLength * width;

    /// <summary>Self-attention block as in DiT/ViT: qkv projection, attention, output projection over L tokens of width D.</summary>
    public static double SelfAttentionBlock(double batch, long tokens, long width) =>
        Linear(batch * tokens, width, 3 * width) + Attention(batch, tokens, tokens, width) + Linear(batch * tokens, width, width);
}
