using Cmd.Evaluation;
using Cmd.Models.Autoencoder;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Cmd.Tests.Evaluation;

/// <summary>Keypoint z read as trajectories: constant speed, bounces, x̄'s frame, places, range.</summary>
public class KeypointTrajectoriesTests
{
    internal static readonly AutoencoderConfig Config =
        RunPresets.Tiny.Autoencoder with { WarpComponents = 2, WarpSprites = true, WarpKeypoints = true };

    /// <summary>z [1, D, L, H'+W'] whose components sit at <paramref name="position"/>(k, l) pixels in frame l on
    /// both axes and at <paramref name="place"/>[k] in x̄, laid out as <see cref="KeypointHead"/> does.</summary>
    static Tensor Z(Func<int, int, double> position, double[] place)
    {
        var c = Config;
        double unit = SeparableWarp.PixelsPerUnit(c.Height);
        var axis = zeros(1, c.LatentChannels, c.Frames);
        for (int k = 0; k < 2; k++)
        for (int l = 0; l < c.Frames; l++)
        {
            axis[0, k, l] = (float)((position(k, l) - place[k]) / unit);
            axis[0, 2 + k, l] = (float)((place[k] - c.Height / 2.0) / unit);
        }
        var zx = axis.unsqueeze(-1).expand(-1, -1, -1, c.GridHeight);
        var zy = axis.unsqueeze(-1).expand(-1, -1, -1, c.GridWidth);
        return cat([zx, zy], -1).contiguous();
    }

    /// <summary>Component 0 moves 2 px a frame from 10 and bounces at 20; component 1 moves 1 px a frame from 5;
    /// x̄ is frame 3.</summary>
    static double Bouncing(int k, int l) => k == 0 ? 20 - Math.Abs(10 + 2 * l - 20) : 5 + l;

    static readonly double[] Places = [Bouncing(0, 3), Bouncing(1, 3)];

    /// <summary>The bouncing pair laid out as the keypoint head would: x̄ is frame 3.</summary>
    internal static Tensor RealZ() => Z(Bouncing, Places);

    [Fact]
    public void RealMotionHasAConstantSpeedTurnsOnlyAtBouncesAndRestsAtTheContentFrame()
    {
        using var z = Z(Bouncing, Places);
        var s = KeypointTrajectories.Of(z, z, Config);
        Assert.Equal(1.5, s.Speed, 5);                        // 2 px and 1 px a frame
        Assert.Equal(0, s.SpeedChange, 5);
        Assert.Equal(4.0 / 6 / 2, s.Turn, 5);                 // one turn of 4 px in component 0's 6 second differences
        Assert.Equal(0, s.AnchorShift, 5);
        Assert.Equal(0, s.PlaceError, 5);
        Assert.Equal(Places[0] - Places[1], s.PlaceSpread, 4);   // 16 - 8 on both axes
        Assert.Equal(0, s.Outside, 5);
        Assert.Equal(5.5 / 7, s.Apart, 5);          // |2 - 1| / 2 in 5 velocities, |-2 - 1| / 2 in the 2 after the bounce
        Assert.Equal(1.5 * Math.Sqrt(2), s.DigitSpeed, 5);   // 2 and 1 px a frame on both axes, kept through the bounce
        Assert.Equal((0.5, 0.5), (s.Slow, s.Fast));            // of two digits, one below the 5th percentile, one above the 95th
        using var together = Z((k, l) => Places[k] + 1.5 * l, Places);                 // one rigid picture
        Assert.Equal(0, KeypointTrajectories.Of(together, z, Config).Apart, 5);
    }

    [Fact]
    public void DigitsAtHalfTheirSpeedAreAllSlowerThanTheRealOnes()
    {
        using var real = Z(Bouncing, Places);
        using var half = Z((k, l) => Places[k] + (Bouncing(k, l) - Places[k]) / 2, Places);
        var s = KeypointTrajectories.Of(half, real, Config);
        Assert.Equal(0.75 * Math.Sqrt(2), s.DigitSpeed, 5);
        Assert.Equal((1.0, 0.0), (s.Slow, s.Fast));
        Assert.Equal(0, s.AnchorShift, 5);                     // still through x̄'s frame
    }

    [Fact]
    public void JitterMisplacementAndOvershootAreEachSeen()
    {
        using var real = Z(Bouncing, Places);
        using var jitter = Z((k, l) => Bouncing(k, l) + (l % 2 == 0 ? 0.5 : -0.5), Places);
        Assert.True(KeypointTrajectories.Of(jitter, real, Config).SpeedChange > 0.5);
        using var moved = Z((k, l) => Bouncing(k, l) + 2, [Places[0] + 2, Places[1] + 2]);
        var m = KeypointTrajectories.Of(moved, real, Config);
        Assert.Equal(2, m.PlaceError, 4);
        Assert.Equal(0, m.AnchorShift, 4);                    // the same motion 2 px lower: still through x̄'s frame
        Assert.Equal(1.0 / 16, m.Outside, 4);                  // frame 5 of component 0 goes 2 px past the real range
        using var swapped = Z((k, l) => Bouncing(1 - k, l), [Places[1], Places[0]]);   // components the other way
        var w = KeypointTrajectories.Of(swapped, real, Config);
        Assert.Equal(0, w.PlaceError, 4);
        Assert.Equal(0, w.Outside, 4);
        using var late = Z(Bouncing, [Bouncing(0, 3), Bouncing(1, 5)]);   // no frame where both are at their places
        Assert.True(KeypointTrajectories.Of(late, real, Config).AnchorShift > 0.5);
    }

    [Fact]
    public void ZWithoutKeypointsOrOfAnotherShapeIsAClearError()
    {
        using var z = Z(Bouncing, Places);
        Assert.Contains("no keypoint z", Assert.Throws<ArgumentException>(() =>
            KeypointTrajectories.Of(z, z, RunPresets.Tiny.Autoencoder)).Message);
        Assert.Contains("differ", Assert.Throws<ArgumentException>(() =>
            KeypointTrajectories.Of(z, z[.., .., 1..], Config)).Message);
    }

    [Fact]
    public void TheTableHasARowPerQuantityAndAColumnPerSet()
    {
        using var z = Z(Bouncing, Places);
        var s = KeypointTrajectories.Of(z, z, Config);
        var lines = KeypointTrajectories.Table([("real z", s), ("seed 0", s)]).Split(Environment.NewLine);
        Assert.Equal(12, lines.Length);                         // a header and 11 quantities
        Assert.Contains("seed 0", lines[0]);
        Assert.Contains("1.50", lines[1]);
    }

    [Fact]
    public void ProbesChangeOneTrajectoryPropertyEach()
    {
        using var real = Z(Bouncing, Places);
        manual_seed(0);
        var slow = KeypointTrajectories.Of(TrajectoryProbe.Parse("slow:0.5").Apply(real, Config), real, Config);
        Assert.Equal(0.75, slow.Speed, 4);                                  // half of 1.5 px a frame
        Assert.Equal(0, slow.AnchorShift, 4);                               // x̄'s frame stays put
        Assert.Equal(0, slow.PlaceError, 4);
        var jitter = KeypointTrajectories.Of(TrajectoryProbe.Parse("jitter:1").Apply(real, Config), real, Config);
        Assert.True(jitter.SpeedChange > 0.3, $"speed change {jitter.SpeedChange}");
        Assert.Equal(0, jitter.PlaceError, 4);
        var offset = KeypointTrajectories.Of(TrajectoryProbe.Parse("Offset:3").Apply(real, Config), real, Config);
        Assert.Equal(0, offset.SpeedChange, 4);                             // the same motion, moved as a whole
        Assert.Equal(1.5, offset.Speed, 4);
        Assert.True(offset.AnchorShift > 0.5, $"anchor {offset.AnchorShift}");
        using var untouched = TrajectoryProbe.Parse("jitter:0").Apply(real, Config);
        Assert.True(untouched.equal(real).all().item<bool>());
        Assert.Equal("slow:0.87", TrajectoryProbe.Parse("SLOW:0.87").ToString());
    }

    [Fact]
    public void BorrowedShiftsAreTheNextClipsMotionWhereThisClipsDigitsAre()
    {
        double[] places = [30, 12];
        using var real = cat([Z(Bouncing, Places), Z((k, l) => places[k] - l, places)]);   // two clips
        using var borrowed = TrajectoryProbe.Parse("borrow:1").Apply(real, Config);
        var (shift, place) = KeypointHead.Read(borrowed.narrow(3, 0, Config.GridHeight), 2, Config.Height);
        var (realShift, realPlace) = KeypointHead.Read(real.narrow(3, 0, Config.GridHeight), 2, Config.Height);
        Assert.True(place.allclose(realPlace, 0, 1e-4), "the places moved");
        Assert.True(shift[0].allclose(realShift[1], 0, 1e-4) && shift[1].allclose(realShift[0], 0, 1e-4));
        var s = KeypointTrajectories.Of(borrowed, real, Config);
        Assert.Equal(0, s.PlaceError, 4);
        Assert.Equal(KeypointTrajectories.Of(real, real, Config).Speed, s.Speed, 4);   // the same motions, swapped
    }

    [Fact]
    public void TheReadProbeKeepsTheShiftsAndTakesThePlacesReadOffXBar()
    {
        double[] places = [30, 12];
        using var real = Z(Bouncing, Places);
        using var read = Z((k, l) => places[k] - l, places);                   // the places "read" (other shifts)
        var probe = TrajectoryProbe.Parse("Read");
        Assert.Equal("read", probe.ToString());
        using var z = probe.Apply(real, Config, read);
        var (shift, place) = KeypointHead.Read(z.narrow(3, 0, Config.GridHeight), 2, Config.Height);
        var (realShift, _) = KeypointHead.Read(real.narrow(3, 0, Config.GridHeight), 2, Config.Height);
        var (_, readPlace) = KeypointHead.Read(read.narrow(3, 0, Config.GridHeight), 2, Config.Height);
        Assert.True(shift.allclose(realShift, 0, 1e-4), "the shifts changed");
        Assert.True(place.allclose(readPlace, 0, 1e-4), "the places are not the read ones");
        Assert.Contains("needs the places read",
            Assert.Throws<ArgumentException>(() => probe.Apply(real, Config)).Message);
    }

    [Theory]
    [InlineData("read:1")]
    [InlineData("fast:2")]
    [InlineData("jitter")]
    [InlineData("jitter:-1")]
    [InlineData("offset:x")]
    [InlineData("3:1")]
    [InlineData("borrow:0")]
    [InlineData("borrow:1.5")]
    public void AProbeThatIsNotOneOfTheFiveIsAClearError(string text) =>
        Assert.Contains("give slow:FACTOR, jitter:PIXELS or offset:PIXELS (>= 0), borrow:CLIPS",
            Assert.Throws<ArgumentException>(() => TrajectoryProbe.Parse(text)).Message);

    [Fact]
    public void ProbingZWithoutKeypointsIsAClearError()
    {
        using var z = Z(Bouncing, Places);
        Assert.Contains("nothing to probe", Assert.Throws<ArgumentException>(() =>
            TrajectoryProbe.Parse("slow:0.5").Apply(z, RunPresets.Tiny.Autoencoder)).Message);
    }
}
