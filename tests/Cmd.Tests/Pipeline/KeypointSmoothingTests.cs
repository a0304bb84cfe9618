using Cmd.Evaluation;
using Cmd.Pipeline;
using Cmd.Tests.Evaluation;
using MathNet.Numerics.LinearAlgebra;
using static TorchSharp.torch;

namespace Cmd.Tests.Pipeline;

/// <summary>Keypoint shifts smoothed over the frames by a Gaussian-weighted line fit: straight paths kept, bounces
/// rounded, places untouched.</summary>
public class KeypointSmoothingTests
{
    static readonly Cmd.Models.Autoencoder.AutoencoderConfig Config = KeypointTrajectoriesTests.Config;

    [Theory]
    [InlineData(16, 1.0)]
    [InlineData(16, 2.5)]
    [InlineData(5, 0.7)]
    public void EachRowIsTheInterceptOfAWeightedLeastSquaresLineAtItsFrame(int frames, double sigma)
    {
        var fit = KeypointSmoothing.Operator(frames, sigma);
        var y = Vector<double>.Build.Random(frames, new MathNet.Numerics.Distributions.Normal(0, 1, new Random(3)));
        for (int i = 0; i < frames; i++)
        {
            var x = Matrix<double>.Build.Dense(frames, 2, (j, c) => c == 0 ? 1 : j - i);
            var w = Matrix<double>.Build.Diagonal(frames, frames,
                j => Math.Exp(-(j - i) * (j - i) / (2 * sigma * sigma)));
            double expected = MathNet.Numerics.LinearRegression.WeightedRegression.Weighted(x, y, w)[0];
            double smoothed = Enumerable.Range(0, frames).Sum(j => fit[i, j] * y[j]);
            Assert.Equal(expected, smoothed, 10);
        }
    }

    [Fact]
    public void AStraightPathIsKeptABounceIsRoundedAndPlacesAreUntouched()
    {
        using var real = KeypointTrajectoriesTests.RealZ();      // component 0 bounces, component 1 goes straight
        using var smoothed = KeypointSmoothing.Apply(real, Config, 1.5);
        Assert.True(smoothed.narrow(1, 1, 1).allclose(real.narrow(1, 1, 1), 0, 1e-5), "a straight path moved");
        Assert.True((smoothed.narrow(1, 0, 1) - real.narrow(1, 0, 1)).abs().max().item<float>() > 0.05f,
            "the bounce was not rounded");
        Assert.True(smoothed.narrow(1, 2, smoothed.shape[1] - 2).equal(real.narrow(1, 2, real.shape[1] - 2))
            .all().item<bool>());
        var before = KeypointTrajectories.Of(real, real, Config);
        var after = KeypointTrajectories.Of(smoothed, real, Config);
        Assert.True(after.Turn < 0.8 * before.Turn, $"turn {before.Turn} -> {after.Turn}");
        Assert.Equal(0, after.PlaceError, 5);
    }

    [Fact]
    public void JitterIsAveragedOutAndSigmaZeroChangesNothing()
    {
        using var real = KeypointTrajectoriesTests.RealZ();
        manual_seed(1);
        using var jittered = TrajectoryProbe.Parse("jitter:1").Apply(real, Config);
        using var smoothed = TrajectoryProbe.Parse("smooth:1").Apply(jittered, Config);   // the probe is this smoothing
        Assert.True(KeypointTrajectories.Of(smoothed, real, Config).SpeedChange
                    < 0.7 * KeypointTrajectories.Of(jittered, real, Config).SpeedChange);
        using var same = KeypointSmoothing.Apply(jittered, Config, 0);
        Assert.True(same.equal(jittered).all().item<bool>());
        Assert.Equal("smooth:1", TrajectoryProbe.Parse("smooth:1").ToString());
    }

    [Fact]
    public void BadSigmaAndZWithoutKeypointsAreClearErrors()
    {
        using var real = KeypointTrajectoriesTests.RealZ();
        var negative = Assert.Throws<ArgumentException>(() => KeypointSmoothing.Apply(real, Config, -1));
        Assert.Contains("sigma -1: give a number of frames >= 0", negative.Message);
        Assert.Throws<ArgumentException>(() => KeypointSmoothing.Apply(real, Config, double.NaN));
        var plain = Config with { WarpKeypoints = false };
        var none = Assert.Throws<ArgumentException>(() => KeypointSmoothing.Apply(real, plain, 1));
        Assert.Contains("has no keypoint z (--keypoints): nothing to smooth", none.Message);
        Assert.Throws<ArgumentException>(() => TrajectoryProbe.Parse("smooth:-1"));
    }
}
