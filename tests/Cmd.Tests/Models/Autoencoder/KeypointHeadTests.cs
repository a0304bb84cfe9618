using Cmd.Models.Autoencoder;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Autoencoder;

/// <summary>The keypoint sprite warp: z holds each component's shift (its ink's centroid) and place; the decoder moves
/// each part of the content frame's ink by its component's shift.</summary>
public class KeypointHeadTests
{
    static AutoencoderConfig Keypoints(int components) =>
        RunPresets.Tiny.Autoencoder with { WarpComponents = components, WarpSprites = true, WarpKeypoints = true };

    static void Close(double expected, Tensor actual, double tolerance = 0.02) =>
        Assert.True(Math.Abs(expected - actual.item<float>()) < tolerance, $"expected {expected}, got {actual.item<float>()}");

    [Fact]
    public void ACentroidIsTheInksMeanPixelAndTheFramesCentreWithoutInk()
    {
        var mass = zeros(new long[] { 1, 1, 2, 8, 8 });
        mass[0, 0, 0, 2, 3] = 1f;
        mass[0, 0, 0, 4, 6] = 3f;                                            // component 0: (2·1 + 4·3) / 4, (3 + 18) / 4
        var (y, x) = KeypointHead.Centroids(mass);
        Close(3.5, y[0, 0, 0]);
        Close(5.25, x[0, 0, 0]);
        Close(3.5, y[0, 0, 1]);                                              // component 1: no ink
        Close(3.5, x[0, 0, 1]);
    }

    [Fact]
    public void ZCarriesAMovingBlobsShiftFromTheContentFrameAndItsPlaceThere()
    {
        var c = Keypoints(1);
        manual_seed(0);
        using var ae = new CmdAutoencoder(c);
        var video = full(new long[] { 1, c.Frames, 1, c.Height, c.Width }, -1f);
        for (int l = 0; l < c.Frames; l++)                                   // a 3x3 blob moving 1 down, 2 right a frame
            video[0, l, 0, TensorIndex.Slice(4 + l, 7 + l), TensorIndex.Slice(3 + 2 * l, 6 + 2 * l)] = 1f;
        using var _ = no_grad();
        var e = ae.Encode(video);
        Assert.Equal(new long[] { 1, c.LatentChannels, c.Frames, c.GridHeight }, e.Zx.shape);
        var (dy, placeY) = KeypointHead.Read(e.Zx, 1, c.Height);
        var (dx, placeX) = KeypointHead.Read(e.Zy, 1, c.Width);
        for (int l = 0; l < c.Frames; l++)                                   // place + shift = the blob's centre in frame l
        {
            Close(5 + l, placeY[0, 0] + dy[0, 0, l]);
            Close(4 + 2 * l, placeX[0, 0] + dx[0, 0, l]);
        }
        var frames = e.Weights.mean([2, 3, 4])[0];                            // the place is x̄'s: the frames' centres as x̄ weighs them
        var expectedY = (frames * (arange(c.Frames) + 5)).sum() / frames.sum();
        Close(expectedY.item<float>(), placeY[0, 0]);
        Assert.Equal(0f, e.Zx.narrow(1, 2, c.LatentChannels - 2).abs().max().item<float>());   // channels from 2K on unused
    }

    [Fact]
    public void TheDecoderMovesEachPartOfTheContentFramesInkByItsComponentsShift()
    {
        const int size = 32, grid = 4;
        double unit = SeparableWarp.PixelsPerUnit(size);
        using var warp = new SeparableWarp(latentChannels: 4, components: 2, size, rigid: true, sprites: true, keypoints: true);
        using var _ = no_grad();
        warp.get_parameter("log_sigma")!.fill_(Math.Log(0.25));
        var content = full(new long[] { 1, 1, size, size }, -1f);
        content[0, 0, 5, 5] = 1f;                                            // component 0's ink
        content[0, 0, 24, 20] = 1f;                                          // component 1's ink
        Tensor Axis(float shift0, float shift1, float place0, float place1) =>
            tensor(new[] { shift0, shift1, place0 - size / 2f, place1 - size / 2f }).div(unit).view(1, 4, 1, 1).expand(1, 4, 3, grid);
        var video = warp.Decode(content, Axis(3, -2, 5, 24), Axis(4, 0, 5, 20));
        Assert.Equal(new long[] { 1, 3, 1, size, size }, video.shape);
        var frame = video[0, 1, 0].clone();
        Assert.True(frame[8, 9].item<float>() > 0.9f && frame[22, 20].item<float>() > 0.9f,
            $"moved ink {frame[8, 9].item<float>()}, {frame[22, 20].item<float>()}");
        frame[8, 9] = -1f;
        frame[22, 20] = -1f;
        Assert.True(frame.max().item<float>() < -0.9f, $"ink left elsewhere: {frame.max().item<float>()}");
    }

    [Fact]
    public void TrackingFindsEachSpritesShiftInAFrameThatHoldsTheOtherDigitToo()
    {
        var sprites = zeros(new long[] { 1, 2, 32, 32 });
        sprites[0, 0, TensorIndex.Slice(4, 9), 6] = 1f;                     // a bar
        sprites[0, 0, 4, TensorIndex.Slice(6, 10)] = 1f;                    // with a top: an upside-down L
        sprites[0, 1, TensorIndex.Slice(20, 23), TensorIndex.Slice(20, 23)] = 1f;   // a square
        var frames = zeros(new long[] { 1, 2, 32, 32 });
        frames[0, 0] = sprites[0, 0].roll([3, -5], [0, 1]) + sprites[0, 1].roll([-2, 4], [0, 1]);
        frames[0, 1] = sprites[0, 0] + sprites[0, 1];                          // frame 1: nothing moved
        var (y, x) = KeypointHead.Track(sprites, frames.clamp_max(1));
        Close(3, y[0, 0, 0], 0.05);
        Close(-5, x[0, 0, 0], 0.05);
        Close(-2, y[0, 0, 1], 0.05);
        Close(4, x[0, 0, 1], 0.05);
        Assert.True(y[0, 1].abs().max().item<float>() < 0.05 && x[0, 1].abs().max().item<float>() < 0.05, "frame 1 did not move");
    }

    [Fact]
    public void KeypointsNeedSpritesAndAShiftAndAPlaceChannelPerComponent()
    {
        var c = Keypoints(2);
        var noSprites = Assert.Throws<ArgumentException>(() => (c with { WarpSprites = false }).Validate());
        Assert.Contains("keypoints need warp sprites (--warp K --sprites)", noSprites.Message);
        var narrow = Assert.Throws<ArgumentException>(() => (c with { WarpComponents = 3 }).Validate());
        Assert.Contains("keypoints need D >= 2K", narrow.Message);
        var tracking = Assert.Throws<ArgumentException>(() => (c with { WarpKeypoints = false, WarpTracking = true }).Validate());
        Assert.Contains("tracking needs keypoints", tracking.Message);
        using var ae = new CmdAutoencoder(c);
        Assert.Contains(ae.state_dict().Keys, k => k.StartsWith("keypoint_head.assign"));
        Assert.DoesNotContain(ae.state_dict().Keys, k => k.StartsWith("motion_head") || k.StartsWith("motion_warp.proj_"));
    }
}
