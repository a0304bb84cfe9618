using Cmd.Models.Autoencoder;
using Cmd.Models.Backbones;
using Cmd.Pipeline;
using Cmd.Presets;

namespace Cmd.Tests.Models.Autoencoder;

public class AutoencoderConfigTests
{
    [Fact]
    public void ConfigRoundTripsThroughJson()
    {
        var c = RunPresets.Small.Autoencoder.WithVariant(AutoencoderVariant.OfficialCode) with { LatentChannels = 5 };
        Assert.Equal(c, AutoencoderConfig.FromJson(c.ToJson()));
    }

    /// <summary>The hand count of <see cref="AutoencoderParameterFormula"/> equals the built modules' count exactly, for both
    /// variants and every importance head and position kind (heads x head dim != C' included).</summary>
    [Theory]
    [InlineData(AutoencoderVariant.Paper, ImportanceGranularity.PixelChannel, PositionEmbeddingKind.SinCos)]
    [InlineData(AutoencoderVariant.Paper, ImportanceGranularity.Pixel, PositionEmbeddingKind.Learned)]
    [InlineData(AutoencoderVariant.Paper, ImportanceGranularity.Frame, PositionEmbeddingKind.None)]
    [InlineData(AutoencoderVariant.OfficialCode, ImportanceGranularity.PixelChannel, PositionEmbeddingKind.None)]
    public void ParameterCountEqualsTheHandCount(AutoencoderVariant variant, ImportanceGranularity importance, PositionEmbeddingKind positions)
    {
        var c = (RunPresets.Tiny.Autoencoder with { Channels = 3, Heads = 3, HeadDim = 16 }).WithVariant(variant)
            with { Importance = importance, PositionEmbedding = positions };
        using var model = new CmdAutoencoder(c);
        Assert.Equal(AutoencoderParameterFormula.Count(c), model.ParameterCount());
    }

    /// <summary>Table 5's UCF-101 autoencoder (C 4, 32x32 latents at patch 2, C' 384, D 8, depth 12, 8 heads x 64):
    /// the formula's count, written out (the pre-fix Pixel head had 80,475,277).</summary>
    [Fact]
    public void Ucf101AutoencoderHas80479888Parameters() =>
        Assert.Equal(80_479_888, AutoencoderParameterFormula.Count(RunPresets.Ucf101.Autoencoder));
}
