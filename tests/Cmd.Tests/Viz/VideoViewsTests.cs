using Cmd.Viz;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
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
    public void WrongShapesAreRejectedWithTheShape()
    {
        using var bad = zeros(4, 2, 8, 8);
        var e = Assert.Throws<ArgumentException>(() => VideoViews.FrameGrid(bad));
        Assert.Contains("[4, 2, 8, 8]", e.Message);
    }
}
