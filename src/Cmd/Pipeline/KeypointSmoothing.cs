using Cmd.Models.Autoencoder;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>
/// Workbench switch, in neither paper nor code, for keypoint z (<see cref="AutoencoderConfig.WarpKeypoints"/>): the
/// shifts smoothed over the frames by a local line fit, each frame's shift replaced by the value at that frame of a
/// straight line fitted to its neighbours with Gaussian weights of <c>sigma</c> frames. A digit at constant speed keeps
/// its path exactly (also in the first and last frames); frame-to-frame wobble is averaged out and a bounce is
/// rounded over about 2 sigma frames. Places are left as they are.
/// </summary>
public static class KeypointSmoothing
{
    /// <summary>z [N, D, L, H'+W'] of <paramref name="config"/>'s keypoint layout with its shift channels smoothed
    /// over L (sigma 0: unchanged).</summary>
    public static Tensor Apply(Tensor z, AutoencoderConfig config, double sigma)
    {
        Check(config, sigma);
        if (sigma == 0) return z.alias();
        int k = config.WarpComponents;
        using var scope = NewDisposeScope();
        var fit = tensor(Operator((int)z.shape[2], sigma), dtype: z.dtype, device: z.device);
        var shifts = matmul(fit, z.narrow(1, 0, k));                           // [L, L] @ [N, K, L, H'+W']
        return cat([shifts, z.narrow(1, k, z.shape[1] - k)], 1).MoveToOuterDisposeScope();
    }

    /// <summary>The smoothing as a matrix [L, L] (row i: the weights of frame i's fitted value): weighted least
    /// squares of a + b (j - i) with weights exp(-(j - i)^2 / 2 sigma^2), whose value at j = i is a.</summary>
    public static double[,] Operator(int frames, double sigma)
    {
        var fit = new double[frames, frames];
        for (int i = 0; i < frames; i++)
        {
            double s0 = 0, s1 = 0, s2 = 0;
            for (int j = 0; j < frames; j++)
            {
                double d = j - i, w = Math.Exp(-d * d / (2 * sigma * sigma));
                (s0, s1, s2) = (s0 + w, s1 + w * d, s2 + w * d * d);
            }
            double det = s0 * s2 - s1 * s1;
            for (int j = 0; j < frames; j++)
            {
                double d = j - i, w = Math.Exp(-d * d / (2 * sigma * sigma));
                fit[i, j] = det > 1e-12 ? w * (s2 - s1 * d) / det : i == j ? 1 : 0;   // one frame: nothing to fit
            }
        }
        return fit;
    }

    static void Check(AutoencoderConfig config, double sigma)
    {
        if (!config.WarpKeypoints)
            throw new ArgumentException($"autoencoder '{config.Name}' has no keypoint z (--keypoints): nothing to smooth");
        if (!(sigma >= 0) || !double.IsFinite(sigma))
            throw new ArgumentException($"shift smoothing sigma {sigma}: give a number of frames >= 0");
    }
}
