using Cmd.Models.Autoencoder;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>
/// Workbench sampling switch, in neither paper nor code, for keypoint z (<see cref="AutoencoderConfig.WarpKeypoints"/>):
/// x̄ is one frame of the clip, so a keypoint z's shifts are all zero in that frame. A motion DiT's z miss this by
/// 4 px here, and FVD-local minds that more than slower or jittered digits (<c>eval motion --probe</c>). The anchor
/// takes the frame where the shifts are smallest as x̄'s and subtracts its shifts from every frame: the same motion,
/// moved as a whole to pass through x̄.
/// </summary>
public static class KeypointAnchor
{
    /// <summary>The sampler's denoised_fn (<see cref="Diffusion.GaussianDiffusion.DdimSample"/>) for
    /// <paramref name="anchor"/>: each predicted x_0 anchored (<see cref="MotionAnchor.Denoised"/>), else none. The
    /// sampler's z are z / zScale with a scalar zScale > 0, which moves neither the frame nor the anchoring.</summary>
    public static Func<Tensor, Tensor>? DenoisedFn(MotionAnchor anchor, AutoencoderConfig config)
    {
        if (anchor != MotionAnchor.Off) Check(config);                         // before the sampling, not after
        return anchor == MotionAnchor.Denoised ? x0 => Apply(x0, config) : null;
    }

    /// <summary>Drawn z as <paramref name="anchor"/> says: as drawn when off, else anchored (again, for
    /// <see cref="MotionAnchor.Denoised"/>: the last x_0 is the result, so this changes nothing there).</summary>
    public static Tensor Finish(Tensor z, MotionAnchor anchor, AutoencoderConfig config) =>
        anchor == MotionAnchor.Off ? z.alias() : Apply(z, config);

    /// <summary>z [N, D, L, H'+W'] of <paramref name="config"/>'s keypoint layout, anchored at x̄'s frame.</summary>
    public static Tensor Apply(Tensor z, AutoencoderConfig config)
    {
        Check(config);
        int k = config.WarpComponents;
        using var scope = NewDisposeScope();
        var (zx, zy) = MotionLatent.Split(z, config.GridHeight, config.GridWidth);
        var rows = zx.narrow(1, 0, k).mean([-1]);                             // shifts [N, K, L], as the decoder reads them
        var cols = zy.narrow(1, 0, k).mean([-1]);
        var frame = cat([rows, cols], 1).abs().mean([1]).argmin(-1);          // [N]: the frame taken as x̄'s
        var at = frame.view(-1, 1, 1).expand(-1, k, 1);
        var offset = cat([rows.gather(2, at).unsqueeze(-1).expand(-1, -1, -1, config.GridHeight),
            cols.gather(2, at).unsqueeze(-1).expand(-1, -1, -1, config.GridWidth)], -1);   // [N, K, 1, H'+W']
        return cat([z.narrow(1, 0, k) - offset, z.narrow(1, k, z.shape[1] - k)], 1).MoveToOuterDisposeScope();
    }

    static void Check(AutoencoderConfig config)
    {
        if (!config.WarpKeypoints)
            throw new ArgumentException($"autoencoder '{config.Name}' has no keypoint z (--keypoints): nothing to anchor");
    }
}

/// <summary>Where keypoint z are anchored at x̄'s frame (<see cref="KeypointAnchor"/>); workbench, not the paper.</summary>
public enum MotionAnchor
{
    /// <summary>Not anchored: the paper's sampler.</summary>
    Off,
    /// <summary>The drawn z, once, after sampling.</summary>
    Final,
    /// <summary>Each sampler step's predicted x_0 (the official code's denoised_fn hook), so the later steps continue
    /// from anchored z; the last x_0 is the result.</summary>
    Denoised,
}
