using Cmd.Metrics.Fvd;
using static TorchSharp.torch;

namespace Cmd.Tests.Metrics.Fvd;

/// <summary>The corruptions of the FVD sanity check (noise, blur, frame shuffle).</summary>
public class VideoCorruptionsTests
{
    [Fact]
    public void CorruptionsDoWhatTheySay()
    {
        using var v = FvdFixtures.TinyClips(4, 1);
        using (var same = VideoCorruptions.Apply(v, CorruptionKind.Noise, 0, 1)) Assert.True(same.eq(v).all().item<bool>());
        using (var noisy = VideoCorruptions.Apply(v, CorruptionKind.Noise, 0.2, 1))
        {
            Assert.InRange((noisy - v).std().item<float>(), 0.1, 0.25);
            Assert.True(noisy.max().item<float>() <= 1 && noisy.min().item<float>() >= -1);
        }
        using (var blurred = VideoCorruptions.Apply(v, CorruptionKind.Blur, 1.5, 1))
        {
            Assert.Equal(v.shape, blurred.shape);
            Func<Tensor, float> tv = x => (x[.., .., .., 1..] - x[.., .., .., ..^1]).abs().mean().item<float>();
            Assert.True(tv(blurred) < 0.7 * tv(v));
        }
        using (var shuffled = VideoCorruptions.Apply(v, CorruptionKind.Shuffle, 1.0, 3))
        {
            // same frames per clip, in another order
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(v[i].sum().item<float>(), shuffled[i].sum().item<float>(), 2);
                Assert.False(shuffled[i].eq(v[i]).all().item<bool>());
            }
        }
        Assert.Throws<ArgumentException>(() => VideoCorruptions.Apply(v[0], CorruptionKind.Noise, 0.1, 1));
    }
}
