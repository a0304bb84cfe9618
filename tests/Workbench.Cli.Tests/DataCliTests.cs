using Cmd.Tests;

namespace Workbench.Cli.Tests;

/// <summary>`workbench data`: what a dataset holds, and previews of its clips.</summary>
public class DataCliTests
{
    [Fact]
    public void InfoPrintsTheDatasetsSizeShapeAndClasses()
    {
        var r = CliRunner.Run("data", "info", "--dataset", "mmnist", "--preset", "tiny", "--count", "5");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("clips    5\n", r.StdOut);
        Assert.Contains("shape    [L=8, C=1, H=32, W=32]", r.StdOut);
        Assert.Contains("classes  10 (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)", r.StdOut);
    }

    [Fact]
    public void PreviewWritesOneRowPerClipAndAGif()
    {
        var dir = Fixtures.TempDir("data-cli");
        string png = Path.Combine(dir, "p.png"), gif = Path.Combine(dir, "p.gif");
        var r = CliRunner.Run("data", "preview", "--dataset", "mmnist", "--preset", "tiny", "--count", "3", "--clips", "2", "--scale", "1",
            "--out", png, "--gif", gif);
        Assert.True(r.ExitCode == 0, r.StdErr);
        // 2 clips of 8 frames of 32x32 at scale 1: a grid of 2 rows x 8 frames plus the separators, and the size it says it wrote
        using var image = SixLabors.ImageSharp.Image.Load(png);
        Assert.Contains($"wrote {png} ({image.Width}x{image.Height}): 2 clips of mmnist [L=8, C=1, H=32, W=32]", r.StdOut);
        Assert.InRange(image.Width, 8 * 32, 8 * 32 + 9 * 4);
        Assert.InRange(image.Height, 2 * 32, 2 * 32 + 3 * 4);
        Assert.Contains("row 1: label", r.StdOut);
        Assert.DoesNotContain("row 2:", r.StdOut);
        using var animation = SixLabors.ImageSharp.Image.Load(gif);
        Assert.Equal(8, animation.Frames.Count);
    }

    [Fact]
    public void UnknownDatasetIsAOneLineError()
    {
        var r = CliRunner.Run("data", "info", "--dataset", "nope");
        Assert.NotEqual(0, r.ExitCode);
        var line = Assert.Single(r.StdErr.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains("nope", line);
    }
}
