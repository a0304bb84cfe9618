using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Presets;

namespace Cmd.Tests.Presets;

/// <summary>The named presets of a CMD run: paper sizes (appendix B.3, Tables 5-6).</summary>
public class RunPresetsTests
{
    [Theory]
    [InlineData("ucf101", 64, 64)]
    [InlineData("webvid-sd15", 64, 64)]
    [InlineData("webvid-sd21", 64, 128)]
    public void PaperTable5PresetsBuildAndCountParameters(string preset, int h, int w)
    {
        var c = RunPresets.Autoencoder(preset);
        Assert.Equal((4, h, w, 2, 384, 8, 12, 64, 8), (c.Channels, c.Height, c.Width, c.PatchSize, c.Hidden, c.LatentChannels, c.Depth, c.HeadDim, c.Heads));
        Assert.Equal(32, c.GridHeight);
        using var ae = new CmdAutoencoder(c);
        long n = ae.ParameterCount();
        // two TimeSformers of 12 blocks: per block 2 x (384*1536+1536 + 512*384+384) + GEGLU (384*3072+3072 + 1536*384+384) + 3 LN
        long block = 2 * (384L * 1536 + 1536 + 512 * 384 + 384) + (384L * 3072 + 3072 + 1536 * 384 + 384) + 3 * 2 * 384;
        Assert.InRange(n, 24 * block, 24 * block + 200_000);
    }

    [Fact]
    public void PaperPresetsBuildAndCount()
    {
        // Table 6 rows and the cubic baseline at UCF-101 scale build (on the meta device) and have DiT-L/XL sizes.
        var ucf = ModelZoo.CountParameters("motion-ucf101");
        var sd21 = ModelZoo.CountParameters("motion-webvid-sd21");
        Assert.InRange(ucf, 440_000_000L, 470_000_000L);
        Assert.InRange(sd21, 650_000_000L, 700_000_000L);
        Assert.True(ModelZoo.CountParameters("cubic-ucf101") > ucf);
        Assert.True(ModelZoo.CountParameters("ae-ucf101") > 0);
    }
}
