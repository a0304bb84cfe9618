using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>
/// Conditioning augmentation after Ho et al. 2022 ("Cascaded diffusion models"): the motion DiT learns on real content
/// frames but samples from generated ones, so in training each content frame gets Gaussian noise of a standard
/// deviation drawn uniformly from [0, <c>maxStd</c>] (frames in [-1, 1]), one draw per frame. A simplification of
/// theirs: the noise is added, not a forward-process step (no rescaling), the DiT is not told the level, and sampling
/// gives the frames as they are. Workbench switch (`train motion --content-noise`); 0 = off, the paper.
/// </summary>
public static class ConditionAugmentation
{
    /// <summary>content [B, C, H, W] + s_b eps, s_b ~ U(0, maxStd) per frame, eps ~ N(0, I).</summary>
    public static Tensor Noised(Tensor content, double maxStd)
    {
        if (maxStd < 0 || !double.IsFinite(maxStd))
            throw new ArgumentException($"training options: --content-noise must be >= 0 (0 = off; got {maxStd})");
        if (maxStd == 0) return content;
        var shape = new long[content.dim()];
        Array.Fill(shape, 1L);
        shape[0] = content.shape[0];
        var std = rand(shape, dtype: content.dtype, device: content.device) * maxStd;
        return content + std * randn_like(content);
    }
}
