using Cmd.Models.Autoencoder;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>
/// Workbench sampling switch, in neither paper nor code, for keypoint z (<see cref="AutoencoderConfig.WarpKeypoints"/>):
/// every keypoint z lies in one linear subspace (<see cref="KeypointHead"/>'s layout: a component's shift repeated
/// over the grid cells of its frame, its place over all frames and cells, the channels from 2K on zero), so the
/// projection onto it is exact knowledge of the data, as the official code's clip_denoised is for images in [-1, 1].
/// Applied to each sampler step's predicted x_0 (the denoised_fn hook), the steps after it continue from z of that
/// layout rather than from the model's scatter about it.
/// </summary>
public static class KeypointLayout
{
    /// <summary>z [N, D, L, H'+W'] of <paramref name="config"/>'s keypoint layout -> its projection onto the layout
    /// (the nearest z, in squared error, that the encoder could have made). Linear, so z / zScale may be given.</summary>
    public static Tensor Project(Tensor z, AutoencoderConfig config)
    {
        Check(config);
        int k = config.WarpComponents;
        using var scope = NewDisposeScope();
        var (zx, zy) = MotionLatent.Split(z, config.GridHeight, config.GridWidth);
        return MotionLatent.Concat(Axis(zx, k), Axis(zy, k)).MoveToOuterDisposeScope();
    }

    /// <summary>One axis [N, D, L, G]: shifts averaged over the cells, places over frames and cells, the rest zero.</summary>
    static Tensor Axis(Tensor z, int k)
    {
        var shifts = z.narrow(1, 0, k).mean([-1], keepdim: true).expand(-1, -1, -1, z.shape[3]);
        var places = z.narrow(1, k, k).mean([-2, -1], keepdim: true).expand(-1, -1, z.shape[2], z.shape[3]);
        var unused = zeros_like(z.narrow(1, 2 * k, z.shape[1] - 2 * k));
        return cat([shifts, places, unused], 1);
    }

    /// <summary>The sampler's denoised_fn for the anchor and the projection together: x_0 projected first, then
    /// anchored (<see cref="KeypointAnchor.DenoisedFn"/>); null when neither acts on each step.</summary>
    public static Func<Tensor, Tensor>? DenoisedFn(bool project, MotionAnchor anchor, AutoencoderConfig config)
    {
        if (project) Check(config);                                            // before the sampling, not after
        var anchored = KeypointAnchor.DenoisedFn(anchor, config);
        if (!project) return anchored;
        return anchored is null ? x0 => Project(x0, config) : x0 => anchored(Project(x0, config));
    }

    static void Check(AutoencoderConfig config)
    {
        if (!config.WarpKeypoints)
            throw new ArgumentException($"autoencoder '{config.Name}' has no keypoint z (--keypoints): no layout to project on");
    }
}
