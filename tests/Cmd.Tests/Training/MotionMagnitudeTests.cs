using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Training;

/// <summary>The magnitude condition of the motion DiT: how far each z channel moves, scaled to about 1.</summary>
public class MotionMagnitudeTests
{
    /// <summary>z [2, 2, 4, 3 + 2]: channel 0 moves 0.5 a frame in z_x's cells and 0.25 in z_y's, channel 1 stays.
    /// The second clip moves twice as far.</summary>
    static Tensor Z()
    {
        var frames = arange(4, dtype: float32).view(1, 1, 4, 1);
        var zx = (frames * 0.5f).expand(1, 1, 4, 3);
        var zy = (frames * -0.25f).expand(1, 1, 4, 2);
        var moving = cat([zx, zy], 3);
        var clip = cat([moving, full(1, 1, 4, 5, 3f)], 1);
        return cat([clip, clip * 2], 0).contiguous();
    }

    [Fact]
    public void EachChannelsMeanStepOnZxThenOnZyOverTheTrainingMean()
    {
        using var z = Z();
        var magnitude = MotionMagnitude.For(z, 3, 2);
        Assert.Equal((0.5f + 0.25f + 1f + 0.5f) / 8, magnitude.Scale, 6);      // mean over clips and the 2D values
        using var m = magnitude.Of(z, 3, 2);
        using var expected = tensor(new[,] { { 0.5f, 0f, 0.25f, 0f }, { 1f, 0f, 0.5f, 0f } }) / magnitude.Scale;
        Assert.True(m.allclose(expected, 1e-5, 1e-6), $"m = {m.ToString(TorchSharp.TensorStringStyle.Julia)}");
    }

    [Fact]
    public void StillZAndBadShapesAndBadMetadataGetClearErrors()
    {
        using var still = zeros(2, 2, 4, 5);
        Assert.Contains("do not move",
            Assert.Throws<ArgumentException>(() => MotionMagnitude.For(still, 3, 2)).Message);
        using var oneFrame = randn(2, 2, 1, 5);
        Assert.Contains("L >= 2", Assert.Throws<ArgumentException>(() => MotionMagnitude.For(oneFrame, 3, 2)).Message);
        using var z = Z();
        Assert.Contains("H' + W' = 2 + 2",
            Assert.Throws<ArgumentException>(() => MotionMagnitude.For(z, 2, 2)).Message);
        var magnitude = new MotionMagnitude(0.125f);
        Assert.Equal(magnitude, MotionMagnitude.Parse(magnitude.Format()));
        Assert.Null(MotionMagnitude.Parse(null));
        using var rows = tensor(new[,] { { 0.5f, 0f }, { 1.25f, 3f } });
        using var back = MotionMagnitude.ParsePrior(MotionMagnitude.FormatPrior(rows), 2);
        Assert.True(back.allclose(rows, 0, 0));
        foreach (var bad in new[] { "1,2;3", "1,2;3,x", "1,2,3", "1,NaN" })
            Assert.Contains($"{ModelMetadata.MagnitudePriorKey}\": row",
                Assert.Throws<FormatException>(() => MotionMagnitude.ParsePrior(bad, 2)).Message);
        foreach (var bad in new[] { "0", "-1", "x", "NaN" })
            Assert.Contains(ModelMetadata.MagnitudeKey,
                Assert.Throws<FormatException>(() => MotionMagnitude.Parse(bad)).Message);
    }
}
