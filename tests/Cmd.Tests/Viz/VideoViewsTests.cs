using Cmd.Viz;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp;
using static TorchSharp.torch;

namespace Cmd.Tests.Viz;

public class VideoViewsTests
{
    [Fact]
    public void FrameGridPlacesFramesWithPaddingAndMapsMinusOneToBlackAndOneToWhite()
    {
        using var video = full(new long[] { 3, 1, 4, 5 }, -1f);
        video[1].fill_(1f);
        video[2, 0, 0, 0] = tensor(0f);
        using var image = VideoViews.FrameGrid(video, scale: 2, padding: 1);
        Assert.Equal((3 * 10 + 4, 8 + 2), (image.Width, image.Height));
        Assert.Equal(new Rgb24(0, 0, 0), image[1, 1]);                       // frame 0
        Assert.Equal(new Rgb24(255, 255, 255), image[1 + 11, 1]);            // frame 1
        Assert.Equal(new Rgb24(128, 128, 128), image[1 + 22, 1]);            // frame 2, pixel (0,0) = 0 -> 127.5 -> 128
        Assert.Equal(new Rgb24(0, 0, 0), image[1 + 22 + 2, 1]);
        using var back = Image.Load<Rgb24>(VideoViews.PngBytes(image));
        Assert.Equal((image.Width, image.Height, image[12, 1]), (back.Width, back.Height, back[12, 1]));
    }

    [Fact]
    public void ComparisonInterleavesOriginalsAndReconstructionsAndGifHasEveryFrame()
    {
        using var a = zeros(new long[] { 2, 3, 3, 8, 8 });
        using var b = ones(new long[] { 2, 3, 3, 8, 8 });
        using var grid = VideoViews.Comparison(a, b, padding: 0);
        Assert.Equal((24, 32), (grid.Width, grid.Height));
        Assert.Equal(new Rgb24(128, 128, 128), grid[0, 0]);
        Assert.Equal(new Rgb24(255, 255, 255), grid[0, 8]);
        Assert.Equal(new Rgb24(128, 128, 128), grid[0, 16]);

        string path = Path.Combine(Path.GetTempPath(), $"cmd-viz-{Guid.NewGuid():N}.gif");
        try
        {
            using var clip = linspace(-1, 1, 4).view(4, 1, 1, 1).expand(4, 3, 8, 8).contiguous();
            VideoViews.SaveGif(clip, path, fps: 10, scale: 2);
            using var gif = Image.Load<Rgb24>(path);
            Assert.Equal(4, gif.Frames.Count);
            Assert.Equal((16, 16), (gif.Width, gif.Height));
            Assert.True(gif.Frames[3][5, 5].R > 240 && gif.Frames[0][5, 5].R < 15);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Mp4RoundTripsThroughFfmpegAndTilesPlaceEachVideo()
    {
        using var a = linspace(-1, 1, 6).view(6, 1, 1, 1).expand(6, 1, 10, 12).contiguous();
        using var b = (-a).contiguous();
        using var tiled = VideoViews.Tile([a, b, a], columns: 2, padding: 1);
        Assert.Equal(new long[] { 6, 3, 2 * 11 + 1, 2 * 13 + 1 }, tiled.shape);
        Assert.Equal(a[5, 0, 0, 0].item<float>(), tiled[5, 1, 1, 1].item<float>());          // top-left tile = a
        Assert.Equal(b[5, 0, 0, 0].item<float>(), tiled[5, 1, 1, 1 + 13].item<float>());     // top-right tile = b
        Assert.Equal(1f, tiled[0, 0, 0, 0].item<float>());                                   // white padding

        string path = Path.Combine(Path.GetTempPath(), $"cmd-viz-{Guid.NewGuid():N}.mp4");
        try
        {
            VideoViews.SaveMp4(tiled, path, fps: 6, scale: 2);
            var info = Cmd.Data.VideoProbe.Probe(path);
            Assert.Equal((6, 46, 54, "h264"), (info.Frames, info.Height, info.Width, info.Codec));
            var frames = Cmd.Data.VideoDecoder.DecodeBytes(path, 0, 6, new Cmd.Data.DecodeOptions { Height = 46, Width = 54, Channels = 1, GlitchThreshold = null });
            Assert.InRange((int)frames[5 * 46 * 54 + 10 * 54 + 10], 240, 255); // last frame of a: white (scaled pixel (10,10) inside tile a)
            Assert.InRange((int)frames[10 * 54 + 10], 0, 15);                  // first frame of a: black
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void WrongShapesAreRejectedWithTheShape()
    {
        using var bad = zeros(4, 2, 8, 8);
        var e = Assert.Throws<ArgumentException>(() => VideoViews.FrameGrid(bad));
        Assert.Contains("[4, 2, 8, 8]", e.Message);
    }
}
