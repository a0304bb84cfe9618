using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Autoencoder;

/// <summary>
/// Workbench decoder, in neither paper nor code (<see cref="AutoencoderConfig.WarpComponents"/> > 0), in place of
/// Eqs. 5-6 and g_B: every frame is the content frame x̄ moved, read as the triplane it is. Per frame l and component k,
/// z_x gives each row i a shift d^k_y(l, i) and a presence a^k(l, i); z_y gives each column j a shift d^k_x(l, j) and a
/// presence b^k(l, j). Component k is x̄ resampled along rows and columns (a Gaussian soft shift of learned width σ_k),
/// seen through the box σ(a^k) σ(b^k); the components are joined as ink is drawn: 1 - Π_k (1 - ink_k).
/// z can then say only where things move, never what they look like. Rigid: each component's shift is one per frame
/// (the shift channels averaged over the rows, and over the columns), so a digit moves without shearing. Sprites: each
/// component's box is cut from x̄ instead (presences averaged over the frames) and moves with its ink, as Moving MNIST
/// draws a digit. Keypoints: z holds each component's shift and its place in x̄ (<see cref="KeypointHead"/>), and the
/// sprites are x̄'s ink split between the places, each pixel to the nearest (a softmax of -distance² / 2s², s learned).
/// </summary>
public sealed class SeparableWarp : nn.Module
{
    readonly Conv2d? proj_x, proj_y; // z_x, z_y [B, D, L, H' | W'] -> [B, 2K, L, H' | W']: shifts, then presence logits
    readonly Parameter log_sigma;    // [K]: width of each component's soft shift, in pixels (log)
    readonly Parameter? log_partition; // keypoints: s, the width of the split of x̄'s ink between the places (log, pixels)
    readonly int components;
    readonly bool rigid, sprites;
    readonly double pixelsPerUnit;

    /// <summary>Pixels per unit of z's shift channels: a quarter of the frame.</summary>
    public static double PixelsPerUnit(long height) => height / 4.0;

    public SeparableWarp(int latentChannels, int components, int height, bool rigid = false, bool sprites = false,
        bool keypoints = false) : base(nameof(SeparableWarp))
    {
        this.components = components;
        this.rigid = rigid;
        this.sprites = sprites;
        pixelsPerUnit = PixelsPerUnit(height);
        log_sigma = nn.Parameter(full(components, Math.Log(keypoints ? 1.0 : 4.0)));
        if (keypoints)
        {
            log_partition = nn.Parameter(full(1, Math.Log(4.0)));
            RegisterComponents();
            return;
        }
        proj_x = nn.Conv2d(latentChannels, 2 * components, 1);
        proj_y = nn.Conv2d(latentChannels, 2 * components, 1);
        using (no_grad())
            foreach (var p in new[] { proj_x, proj_y })
            {
                // start: x̄ nearly still (shifts of about a pixel), every box open; small random weights, so that the
                // components differ and do not get the same gradient for ever
                p.weight!.normal_(0, 0.02);
                p.bias!.narrow(0, 0, components).zero_();
                p.bias!.narrow(0, components, components).fill_(2.0);
            }
        RegisterComponents();
    }

    /// <summary>contentFrame [B, C, H, W] in [-1, 1], z_x [B, D, L, H'], z_y [B, D, L, W'] -> video [B, L, C, H, W].</summary>
    public Tensor Decode(Tensor contentFrame, Tensor zx, Tensor zy)
    {
        long h = contentFrame.shape[2], w = contentFrame.shape[3];
        if (log_partition is not null) return 1 - 2 * Keypointed(contentFrame, zx, zy);
        var (dy, rowPresence) = Axis(proj_x!.call(zx), h);                   // [B, K, L, H] each
        var (dx, colPresence) = Axis(proj_y!.call(zy), w);                   // [B, K, L, W] each
        var sigma = log_sigma.exp().view(1, components, 1, 1, 1);
        var ink = (contentFrame + 1) / 2;                                   // [B, C, H, W] in [0, 1]
        var blank = sprites ? Sprites(ink, dy, dx, rowPresence, colPresence, sigma)
            : Boxed(ink, dy, dx, rowPresence, colPresence, sigma);         // [B, L, C, H, W]: no component inks it
        return 1 - 2 * blank;                                               // 2 (1 - blank) - 1
    }

    /// <summary>Each frame's box drawn where the frame is: [B, L, C, H, W], the share no component inks.</summary>
    static Tensor Boxed(Tensor ink, Tensor dy, Tensor dx, Tensor rows, Tensor cols, Tensor sigma)
    {
        var moved = einsum("bklij,bcjm,bklnm->bklcin", ShiftMaps(dy, sigma), ink, ShiftMaps(dx, sigma)); // [B, K, L, C, H, W]
        var box = (rows.sigmoid().unsqueeze(-1) * cols.sigmoid().unsqueeze(-2)).unsqueeze(3);
        return (1 - box * moved).prod(1);
    }

    /// <summary>Each component's box cut from x̄ once (presences averaged over the frames), then moved with its ink.</summary>
    static Tensor Sprites(Tensor ink, Tensor dy, Tensor dx, Tensor rows, Tensor cols, Tensor sigma)
    {
        var box = rows.mean([2]).sigmoid().unsqueeze(-1) * cols.mean([2]).sigmoid().unsqueeze(-2); // [B, K, H, W]
        return Moved(ink.unsqueeze(1) * box.unsqueeze(2), dy, dx, sigma);  // each component's sprite, moved
    }

    /// <summary>Sprites [B, K, C, H, W] moved along the row and column shifts [B, K, L, H | W]: [B, L, C, H, W], the share
    /// no component inks.</summary>
    static Tensor Moved(Tensor layers, Tensor dy, Tensor dx, Tensor sigma)
    {
        var moved = einsum("bklij,bkcjm,bklnm->bklcin", ShiftMaps(dy, sigma), layers, ShiftMaps(dx, sigma));
        return (1 - moved).prod(1);
    }

    /// <summary>x̄'s ink split between the components' places in x̄, each part moved by its shift: [B, L, C, H, W], the share
    /// no component inks.</summary>
    Tensor Keypointed(Tensor contentFrame, Tensor zx, Tensor zy)
    {
        long h = contentFrame.shape[2], w = contentFrame.shape[3];
        var (dy, placeY) = KeypointHead.Read(zx, components, h);                   // [B, K, L], [B, K]
        var (dx, placeX) = KeypointHead.Read(zy, components, w);
        var split = KeypointHead.Split(placeY, placeX, h, w, log_partition!.exp());   // [B, K, H, W]
        var layers = ((contentFrame + 1) / 2).unsqueeze(1) * split.unsqueeze(2);    // [B, K, C, H, W]: the sprites
        var sigma = log_sigma.exp().view(1, components, 1, 1, 1);
        return Moved(layers, dy.unsqueeze(-1).expand(-1, -1, -1, h), dx.unsqueeze(-1).expand(-1, -1, -1, w), sigma);
    }

    /// <summary>[B, 2K, L, G] on the token grid -> shifts in pixels and presence logits [B, K, L, size], linearly upsampled.</summary>
    (Tensor Shift, Tensor Presence) Axis(Tensor p, long size)
    {
        if (rigid) p = cat([p.narrow(1, 0, components).mean([-1], keepdim: true).expand(-1, -1, -1, p.shape[3]),
            p.narrow(1, components, components)], 1);                        // one shift per component and frame
        var up = nn.functional.interpolate(p, [p.shape[2], size], mode: InterpolationMode.Bilinear, align_corners: false);
        return (up.narrow(1, 0, components) * pixelsPerUnit, up.narrow(1, components, components));
    }

    /// <summary>Row (or column) maps [B, K, L, N, N]: output i reads source j with weight softmax_j(-(j - (i - d_i))² / 2σ²).</summary>
    static Tensor ShiftMaps(Tensor shift, Tensor sigma)
    {
        long n = shift.shape[^1];
        var positions = arange(n, dtype: shift.dtype, device: shift.device);
        var source = (positions - shift).unsqueeze(-1);                      // where output i reads from: [B, K, L, N, 1]
        var distance = positions.view(1, 1, 1, 1, n) - source;
        return (-distance.square() / (2 * sigma.square())).softmax(-1);
    }
}
