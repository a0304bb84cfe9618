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

    [Fact]
    public void ContextKeysEqualAttentionOverEachSequenceJoinedWithItsVideosContext()
    {
        manual_seed(0);
        using var attention = new TimeSformerAttention(32, 2, 16);
        using var _ = no_grad();
        var x = randn(6, 5, 32);        // 2 videos x 3 frames, 5 tokens each
        var context = randn(2, 4, 32);  // 4 context tokens per video
        var attended = attention.Attend(x, context);
        for (int i = 0; i < 6; i++)
        {
            var joined = cat([x[i], context[i / 3]], 0).unsqueeze(0);  // the frame's tokens, then its video's context
            var expected = attention.call(joined)[0].narrow(0, 0, 5);
            Assert.True(attended[i].allclose(expected, rtol: 0, atol: 1e-5), $"sequence {i}");
        }
        var e = Assert.Throws<ArgumentException>(() => attention.Attend(randn(5, 5, 32), context));
        Assert.Contains("5 sequences do not split into the context's 2 groups", e.Message);
    }

    [Fact]
    public void WithContextEveryFrameReadsTheContextAndWithoutItTheOutputIsUnchanged()
    {
        manual_seed(0);
        using var ts = new TimeSformer(32, 1, 2, 16, 2, frames: 4, gridH: 2, gridW: 2, PositionEmbeddingKind.SinCos, finalNorm: true);
        using var _ = no_grad();
        var x = randn(1, 4, 4, 32);
        var context = randn(1, 4, 32);
        var moved = context.clone();
        moved[0, 3] = randn(32);                       // one context token changed
        var a = ts.Forward(x, context);
        var b = ts.Forward(x, moved);
        for (int f = 0; f < 4; f++)                    // reaches every frame's every token in one block
            Assert.True(a[0, f].sub(b[0, f]).abs().amax(1).min().item<float>() > 1e-6f, $"frame {f}");
        Assert.True(ts.call(x).allclose(ts.Forward(x, null), rtol: 0, atol: 0));
    }
}
