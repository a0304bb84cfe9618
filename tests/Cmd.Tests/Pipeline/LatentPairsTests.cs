using Cmd.Training;

namespace Cmd.Tests.Pipeline;

/// <summary>The one (content frame, z, class) file format of the pipeline.</summary>
public class LatentPairsTests
{
    [Fact]
    public void PairsRoundTripThroughSafetensors()
    {
        var dir = Fixtures.TempDir("pipe");
        using var pairs = PipelineFixtures.TinyPairs(8);
        var path = Path.Combine(dir, "pairs.safetensors");
        pairs.Save(path);
        using var back = LatentPairs.Load(path);
        Assert.True(back.Z.equal(pairs.Z).all().item<bool>() && back.Content.equal(pairs.Content).all().item<bool>() && back.GridH == 4);
    }
}
