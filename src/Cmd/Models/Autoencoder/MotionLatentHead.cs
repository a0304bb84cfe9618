using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Autoencoder;

/// <summary>
/// f_M (Eq. 4): a 1x1 convolution C' -> D on u averaged over the x axis (ū_x: C' x L x H') and over the
/// y axis (ū_y: C' x L x W'), giving z_x in R^{D x L x H'} and z_y in R^{D x L x W'}.
/// Paper: one f_M for both, no activation. Official code: separate convs (pre_xt / pre_yt) and tanh.
/// </summary>
public sealed class MotionLatentHead : nn.Module<Tensor, Tensor>
{
    readonly Conv2d proj;
    readonly Conv2d? proj_y;
    readonly bool tanh;
    readonly int gridH, gridW;

    public MotionLatentHead(AutoencoderConfig config) : base(nameof(MotionLatentHead))
    {
        gridH = config.GridHeight;
        gridW = config.GridWidth;
        tanh = config.MotionTanh;
        proj = nn.Conv2d(config.Hidden, config.LatentChannels, 1);
        if (config.SeparateAxisProjections) proj_y = nn.Conv2d(config.Hidden, config.LatentChannels, 1);
        RegisterComponents();
    }

    /// <summary>u [B, L, H'W', C'] -> z = cat(z_x, z_y) along the last axis: [B, D, L, H' + W'].</summary>
    public override Tensor forward(Tensor u)
    {
        var (zx, zy) = Project(u);
        return MotionLatent.Concat(zx, zy);
    }

    public (Tensor zx, Tensor zy) Project(Tensor u)
    {
        long b = u.shape[0], l = u.shape[1], c = u.shape[3];
        var grid = u.reshape(b, l, gridH, gridW, c).permute(0, 4, 1, 2, 3); // [B, C', L, H', W']
        var ux = grid.mean([4]);                                               // ū_x: averaged across x -> [B, C', L, H']
        var uy = grid.mean([3]);                                               // ū_y: averaged across y -> [B, C', L, W']
        var zx = proj.call(ux);                                                // Eq. 4
        var zy = (proj_y ?? proj).call(uy);
        return tanh ? (zx.tanh(), zy.tanh()) : (zx, zy);
    }
}
