using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Training;

/// <summary>The motion DiT's velocity form of keypoint z: exact inverse, steps at the offsets' spread, clear errors.</summary>
public class MotionVelocityTests
{
    /// <summary>Keypoint-like z [N, 4, L, G]: channels 0-1 offsets moving 0.1 a frame, 2-3 places, the rest zero.</summary>
    static Tensor KeypointZ(int n = 3, int frames = 6, int cells = 4)
    {
        manual_seed(1);
        var speed = randn(n, 2, 1, 1) * 0.1;
        var offsets = (randn(n, 2, 1, 1) + speed * arange(frames).view(1, 1, frames, 1)).expand(-1, -1, -1, cells);
        var places = randn(n, 1, 1, 1).expand(-1, 1, frames, cells);
        return cat([offsets, places, zeros(n, 1, frames, cells)], 1).contiguous();
    }

    [Fact]
    public void EncodeKeepsTheFirstOffsetAndTheRestThenStepsTimesTheGainAndDecodeUndoesIt()
    {
        using var z = KeypointZ();
        var form = new MotionVelocity(2, 4f);
        using var v = form.Encode(z);
        Assert.Equal(z.shape, v.shape);
        Assert.True(v.narrow(2, 0, 1).allclose(z.narrow(2, 0, 1), 0, 0));
        using var step = (z[.., ..2, 3] - z[.., ..2, 2]) * 4f;
        Assert.True(v[.., ..2, 3].allclose(step, 1e-5, 1e-6));
        Assert.True(v.narrow(1, 2, 2).allclose(z.narrow(1, 2, 2), 0, 0));      // places and the rest as they are
        using var back = form.Decode(v);
        Assert.True(back.allclose(z, 1e-5, 1e-6));
    }

    [Fact]
    public void ForGivesTheStepsTheOffsetsSpread()
    {
        using var z = KeypointZ(n: 64);
        var form = MotionVelocity.For(z, 2);
        using var v = form.Encode(z);
        using var steps = v.narrow(1, 0, 2).narrow(2, 1, 5);
        using var offsets = z.narrow(1, 0, 2);
        Assert.Equal(offsets.std().item<float>(), steps.std().item<float>(), 3);
        Assert.True(form.Gain > 1, $"gain {form.Gain}: steps are smaller than offsets");
    }

    [Fact]
    public void WrapMakesAMapOfZActOnTheForm()
    {
        using var z = KeypointZ();
        var form = new MotionVelocity(2, 3f);
        var wrapped = form.Wrap(x => x * 2)!;
        using var v = form.Encode(z);
        using var mapped = wrapped(v);
        using var expected = form.Encode(z * 2);
        Assert.True(mapped.allclose(expected, 1e-5, 1e-6));
        Assert.Null(form.Wrap(null));
    }

    [Fact]
    public void MetadataRoundTripsAndBadValuesAndShapesAreClearErrors()
    {
        var form = new MotionVelocity(2, 4.25f);
        Assert.Equal(form, MotionVelocity.Parse(form.Format()));
        Assert.Null(MotionVelocity.Parse(null));
        Assert.Contains("z_velocity", Assert.Throws<FormatException>(() => MotionVelocity.Parse("2;x")).Message);
        Assert.Throws<FormatException>(() => MotionVelocity.Parse("0,1"));
        using var z = KeypointZ();
        Assert.Contains("--z-velocity must be 1-4", Assert.Throws<ArgumentException>(() => MotionVelocity.For(z, 5)).Message);
        using var still = zeros(2, 4, 6, 4);
        Assert.Contains("do not move", Assert.Throws<ArgumentException>(() => MotionVelocity.For(still, 2)).Message);
        using var flat = zeros(2, 4, 6);
        Assert.Contains("needs z [N, D >= 2", Assert.Throws<ArgumentException>(() => form.Encode(flat)).Message);
    }
}
