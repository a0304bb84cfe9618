using static TorchSharp.torch;

namespace Cmd.Models.Autoencoder;

/// <summary>
/// Workbench f_M, in neither paper nor code (<see cref="AutoencoderConfig.WarpKeypoints"/>), for the sprite warp: u says
/// per pixel which of K components it belongs to (a transposed patch conv C' -> K, softmax over K), and each component's
/// keypoint in frame l is the centroid of that frame's ink, weighted by the component's share. A position is then a mean
/// of pixel coordinates, exact to a fraction of a pixel, where Eq. 4's projection would have to regress it.
/// z carries, per component, its shift from x̄ in every frame and its place in x̄ (<see cref="Layout"/>).
/// Tracking (<see cref="AutoencoderConfig.WarpTracking"/>): the shifts are found instead by matching each component's
/// sprite (x̄'s ink split between the places) against every frame's ink (<see cref="Track"/>), so a component cannot
/// swap digits between frames; only the places are learned.
/// </summary>
public sealed class KeypointHead : nn.Module
{
    readonly PatchConvTranspose2d assign;   // u -> per-pixel component logits [BL, K, H, W]
    readonly int components, gridH, gridW, latentChannels;
    readonly double pixelsPerUnit;
    readonly bool tracking;

    /// <summary>Tracking: the width s (pixels) of the split the sprites are matched with, and the softmax temperature of
    /// the match as a share of a sprite's match with itself.</summary>
    const double TrackSplit = 4.0, TrackTemperature = 0.005;

    public KeypointHead(AutoencoderConfig config) : base(nameof(KeypointHead))
    {
        components = config.WarpComponents;
        (gridH, gridW, latentChannels) = (config.GridHeight, config.GridWidth, config.LatentChannels);
        pixelsPerUnit = SeparableWarp.PixelsPerUnit(config.Height);
        tracking = config.WarpTracking;
        assign = new PatchConvTranspose2d(config.Hidden, components, config.PatchSize);
        RegisterComponents();
    }

    /// <summary>u [B, L, H'W', C'], the video [B, L, C, H, W] in [-1, 1], x̄'s frame weights and x̄ -> z_x, z_y.</summary>
    public (Tensor Zx, Tensor Zy) Project(Tensor u, Tensor video, Tensor weights, Tensor contentFrame)
    {
        long b = u.shape[0], l = u.shape[1], h = video.shape[3], w = video.shape[4];
        var grid = u.reshape(b * l, gridH, gridW, u.shape[3]).permute(0, 3, 1, 2);
        var share = assign.call(grid).view(b, l, components, h, w).softmax(2);        // [B, L, K, H, W]
        var ink = ((video + 1) / 2).mean([2], keepdim: true);                          // [B, L, 1, H, W]
        var mass = share * ink;                                                         // ink of each component
        var (cy, cx) = Centroids(mass);                                                 // [B, L, K] each, in pixels
        var frameShare = weights.mean([2, 3, 4]);                                       // x̄'s weight of each frame
        frameShare = (frameShare / frameShare.sum(1, keepdim: true)).unsqueeze(-1);    // [B, L, 1]
        var placeY = (cy * frameShare).sum(1);                                         // keypoints of x̄ (as Eq. 3)
        var placeX = (cx * frameShare).sum(1);                                         // [B, K]
        if (tracking)
        {
            var sprites = ((contentFrame + 1) / 2).mean([1], keepdim: true) * Split(placeY, placeX, h, w,
                tensor(TrackSplit, dtype: placeY.dtype, device: placeY.device));
            (cy, cx) = Track(sprites, ink.squeeze(2));                                  // shifts [B, L, K]
            return (Layout(cy, placeY - h / 2.0, gridH), Layout(cx, placeX - w / 2.0, gridW));
        }
        return (Layout(cy - placeY.unsqueeze(1), placeY - h / 2.0, gridH),
            Layout(cx - placeX.unsqueeze(1), placeX - w / 2.0, gridW));
    }

    /// <summary>Ink-weighted centroids of mass [B, L, K, H, W] -> rows, columns [B, L, K] (the frame's centre when no ink).</summary>
    public static (Tensor Y, Tensor X) Centroids(Tensor mass)
    {
        const double prior = 0.01;                                          // a hundredth of a pixel of ink at the centre
        long h = mass.shape[3], w = mass.shape[4];
        var total = mass.sum([3, 4]) + prior;
        var rows = arange(h, dtype: mass.dtype, device: mass.device);
        var cols = arange(w, dtype: mass.dtype, device: mass.device);
        var y = ((mass.sum([4]) * rows).sum(-1) + prior * (h - 1) / 2.0) / total;
        var x = ((mass.sum([3]) * cols).sum(-1) + prior * (w - 1) / 2.0) / total;
        return (y, x);
    }

    /// <summary>x̄'s ink split between the places [B, K] (rows, columns): each pixel's share of component k is
    /// softmax_k(-|pixel - place_k|² / 2s²) -> [B, K, H, W].</summary>
    public static Tensor Split(Tensor placeY, Tensor placeX, long h, long w, Tensor s)
    {
        long k = placeY.shape[1];
        var rows = arange(h, dtype: placeY.dtype, device: placeY.device).view(1, 1, h, 1);
        var cols = arange(w, dtype: placeY.dtype, device: placeY.device).view(1, 1, 1, w);
        var distance = (rows - placeY.view(-1, k, 1, 1)).square() + (cols - placeX.view(-1, k, 1, 1)).square();
        return (-distance / (2 * s.square())).softmax(1);
    }

    /// <summary>
    /// Each sprite's shift in every frame: the soft argmax over shifts d of the match Σ_p sprite(p) frame(p + d) (a
    /// cross-correlation, by FFT on frames padded to twice their size), sharpened by the sprite's match with itself.
    /// sprites [B, K, H, W], frames [B, L, H, W] (ink in [0, 1]) -> rows, columns [B, L, K] in pixels.
    /// </summary>
    public static (Tensor Y, Tensor X) Track(Tensor sprites, Tensor frames)
    {
        long h = sprites.shape[2], w = sprites.shape[3], k = sprites.shape[1];
        long[] size = [2 * h, 2 * w];
        var s = fft.rfft2(sprites, size).unsqueeze(1);                                   // [B, 1, K, 2H, W + 1]
        var f = fft.rfft2(frames, size).unsqueeze(2);                                    // [B, L, 1, 2H, W + 1]
        var match = fft.irfft2(s.conj() * f, size);                                     // [B, L, K, 2H, 2W]: at d mod 2H
        var self = sprites.square().sum([2, 3]).view(-1, 1, k, 1, 1) + 1e-3;
        var odds = (match / (TrackTemperature * self)).flatten(3).softmax(-1).view(match.shape);
        var dy = Wrapped(2 * h, sprites).view(1, 1, 1, 2 * h, 1);                        // shift of each row index
        var dx = Wrapped(2 * w, sprites).view(1, 1, 1, 1, 2 * w);
        return ((odds * dy).sum([3, 4]), (odds * dx).sum([3, 4]));
    }

    /// <summary>0, 1, .., n/2 - 1, -n/2, .., -1: the shift each index of a cross-correlation of length n stands for.</summary>
    static Tensor Wrapped(long n, Tensor like)
    {
        var i = arange(n, dtype: like.dtype, device: like.device);
        return where(i < n / 2, i, i - n);
    }

    /// <summary>
    /// One axis of z [B, D, L, G]: channel k &lt; K is component k's shift in frame l, channel K + k its place in x̄ from
    /// the frame's centre (both in units of <see cref="SeparableWarp.PixelsPerUnit"/>, the same over the G grid cells);
    /// channels from 2K on are zero.
    /// </summary>
    Tensor Layout(Tensor shift, Tensor place, int gridCells)
    {
        long b = shift.shape[0], l = shift.shape[1];
        var moves = shift.permute(0, 2, 1) / pixelsPerUnit;                            // [B, K, L]
        var places = (place / pixelsPerUnit).unsqueeze(-1).expand(-1, -1, l);          // [B, K, L]
        var unused = zeros(b, latentChannels - 2 * components, l, dtype: shift.dtype, device: shift.device);
        return cat([moves, places, unused], 1).unsqueeze(-1).expand(-1, -1, -1, gridCells).contiguous();
    }

    /// <summary>Reads one axis of z back: shifts [B, K, L] and places in x̄ [B, K], in pixels from the top (left) edge.</summary>
    public static (Tensor Shift, Tensor Place) Read(Tensor z, int components, long size)
    {
        double unit = SeparableWarp.PixelsPerUnit(size);
        var shift = z.narrow(1, 0, components).mean([-1]) * unit;
        var place = z.narrow(1, components, components).mean([-2, -1]) * unit + size / 2.0;
        return (shift, place);
    }
}
