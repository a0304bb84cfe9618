using static TorchSharp.torch;

namespace Cmd.Models.Autoencoder;

/// <summary>
/// The motion latent z = (z_x, z_y) stored as one tensor [B, D, L, H' + W'], z_x first (Eq. 4's order). NVlabs/CMD stores
/// the other half first: its z_m = cat(pre_xt(mean over rows) [W'], pre_yt(mean over columns) [H']) and it splits at H'.
/// </summary>
public static class MotionLatent
{
    public static Tensor Concat(Tensor zx, Tensor zy) => cat([zx, zy], -1);

    /// <summary>Splits [B, D, L, H' + W'] into z_x [B, D, L, H'] and z_y [B, D, L, W'].</summary>
    public static (Tensor zx, Tensor zy) Split(Tensor z, int gridH, int gridW)
    {
        if (z.shape[^1] != gridH + gridW)
            throw new ArgumentException($"motion latent last axis is {z.shape[^1]}, expected H' + W' = {gridH} + {gridW}");
        return (z[.., .., .., ..gridH], z[.., .., .., gridH..]);
    }
}
