using Cmd.Evaluation;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Tests.Evaluation;
using static TorchSharp.torch;

namespace Cmd.Tests.Pipeline;

/// <summary>Anchoring keypoint z at x̄'s frame: the same motion, moved as a whole to rest in one frame.</summary>
public class KeypointAnchorTests
{
    static readonly Cmd.Models.Autoencoder.AutoencoderConfig Config = KeypointTrajectoriesTests.Config;

    [Fact]
    public void AnOffsetMotionIsMovedToRestInOneFrameWithItsVelocitiesKept()
    {
        using var real = KeypointTrajectoriesTests.RealZ();
        manual_seed(0);
        using var offset = TrajectoryProbe.Parse("offset:4").Apply(real, Config);
        using var anchored = KeypointAnchor.Apply(offset, Config);
        var before = KeypointTrajectories.Of(offset, real, Config);
        var after = KeypointTrajectories.Of(anchored, real, Config);
        Assert.True(before.AnchorShift > 0.5, $"offset anchor {before.AnchorShift}");
        Assert.Equal(0, after.AnchorShift, 5);
        Assert.Equal(before.Speed, after.Speed, 5);
        Assert.Equal(before.Turn, after.Turn, 5);
        Assert.Equal(0, after.PlaceError, 5);                                // places and unused channels untouched
        Assert.True(anchored.narrow(1, 2, 2).equal(real.narrow(1, 2, 2)).all().item<bool>());
    }

    [Fact]
    public void RealZAlreadyAtRestInXBarsFrameIsKept()
    {
        using var real = KeypointTrajectoriesTests.RealZ();
        using var anchored = KeypointAnchor.Apply(real, Config);
        Assert.True(anchored.allclose(real, 0, 1e-6));
    }

    [Fact]
    public void AnchoringEachStepsX0SteersTheSamplerAndEndsAtRestInOneFrame()
    {
        using var sampler = new TinyMotionSampler();
        Tensor Draw(MotionAnchor anchor)
        {
            using var drawn = sampler.Draw(KeypointAnchor.DenoisedFn(anchor, Config));
            return KeypointAnchor.Finish(drawn, anchor, Config);
        }
        using var off = Draw(MotionAnchor.Off);
        using var final = Draw(MotionAnchor.Final);
        using var denoised = Draw(MotionAnchor.Denoised);
        Assert.True(KeypointTrajectories.Of(off, off, Config).AnchorShift > 1e-3);
        Assert.Equal(0, KeypointTrajectories.Of(final, final, Config).AnchorShift, 3);   // px, after float rounding
        Assert.Equal(0, KeypointTrajectories.Of(denoised, denoised, Config).AnchorShift, 3);
        Assert.True((denoised - final).abs().max().item<float>() > 1e-3f, "the steps after the first ignored the anchor");
    }

    [Fact]
    public void ZWithoutKeypointsIsAClearError()
    {
        using var real = KeypointTrajectoriesTests.RealZ();
        Assert.Contains("nothing to anchor", Assert.Throws<ArgumentException>(() =>
            KeypointAnchor.Apply(real, RunPresets.Tiny.Autoencoder)).Message);
        Assert.Contains("nothing to anchor", Assert.Throws<ArgumentException>(() =>   // before sampling, not after
            KeypointAnchor.DenoisedFn(MotionAnchor.Denoised, RunPresets.Tiny.Autoencoder)).Message);
    }
}
