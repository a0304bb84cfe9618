using Cmd.Models.Autoencoder;
using Cmd.Models.Backbones;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Backbones;

/// <summary>The TimeSformer backbone of the autoencoder (divided space-time attention).</summary>
public class TimeSformerTests
{
    [Theory]
    [InlineData(PositionEmbeddingKind.SinCos)]
    [InlineData(PositionEmbeddingKind.Learned)]
    public void TimeSformerSeesSpaceAndTimePositions(PositionEmbeddingKind kind)
    {
        manual_seed(0);
        using var ts = new TimeSformer(32, 1, 2, 16, 2, frames: 4, gridH: 2, gridW: 2, kind, finalNorm: true);
        using var _ = no_grad();
        var token = randn(1, 1, 1, 32).expand(1, 4, 4, 32).contiguous(); // the same token everywhere
        var y = ts.call(token);
        Assert.True(y[0, 0, 0].sub(y[0, 1, 0]).abs().max().item<float>() > 1e-4f, "time positions ignored");
        Assert.True(y[0, 0, 0].sub(y[0, 0, 1]).abs().max().item<float>() > 1e-4f, "space positions ignored");
        var keys = ts.state_dict().Keys.ToList();
        Assert.Equal(kind == PositionEmbeddingKind.Learned, keys.Contains("pos_embed_time"));
        Assert.DoesNotContain(keys, k => k.StartsWith("sincos"));
    }
}
