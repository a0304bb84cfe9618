using Cmd.Models.Autoencoder;
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
}
