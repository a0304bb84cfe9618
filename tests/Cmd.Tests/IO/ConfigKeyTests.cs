using Cmd.IO;
using Cmd.Presets;
using Xunit;

namespace Cmd.Tests.IO;

public class ConfigKeyTests
{
    [Fact]
    public void SameConfigSameKeyAndPropertyOrderDoesNotMatter()
    {
        var a = new Dictionary<string, object> { ["steps"] = 10, ["seed"] = 1 };
        var b = new Dictionary<string, object> { ["seed"] = 1, ["steps"] = 10 };
        Assert.Equal(ConfigKey.Of(a), ConfigKey.Of(b));
        Assert.Equal("{\"seed\":1,\"steps\":10}", ConfigKey.Canonical(a));
        Assert.Matches("^[0-9a-f]{12}$", ConfigKey.Of(a));
    }

    [Fact]
    public void AnyChangedParameterChangesTheKey()
    {
        var ae = RunPresets.Named("tiny").Autoencoder;
        Assert.Equal(ConfigKey.Of(ae), ConfigKey.Of(ae with { }));
        Assert.NotEqual(ConfigKey.Of(ae), ConfigKey.Of(ae with { LatentChannels = ae.LatentChannels + 1 }));
        Assert.NotEqual(ConfigKey.Of(new { seed = 1 }), ConfigKey.Of(new { seed = 2 }));
    }
}
