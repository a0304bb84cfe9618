using Cmd.Models.Autoencoder;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>
/// What motion latents say as trajectories, for autoencoders whose z holds keypoints
/// (<see cref="AutoencoderConfig.WarpKeypoints"/>: each component's shift in every frame and its place in x̄).
/// Moving MNIST moves each digit at a constant speed that only bounces change in sign, and x̄ is (mostly) one frame
/// of the clip, so real z have a constant speed per axis and one frame where every shift is zero. Scoring generated
/// z beside the real z of the same content frames tells which of these a motion model gets wrong, where FVD gives
/// one number.
/// </summary>
public static class KeypointTrajectories
{
    /// <summary>Means over clips, components and both axes, in pixels.</summary>
    /// <param name="Speed">|position(l+1) - position(l)|.</param>
    /// <param name="SpeedChange">Standard deviation of that speed over the frames (0 for Moving MNIST's
    /// digits).</param>
    /// <param name="Turn">|second difference of the position|: 0 but at bounces.</param>
    /// <param name="AnchorShift">The smallest over frames of the mean |shift|: 0 when x̄ is one frame of the
    /// clip.</param>
    /// <param name="PlaceError">|place - the real z's place| (0 for the real z), for the order of the components that
    /// fits best: which component is which is the autoencoder's choice, and swapping them decodes the same
    /// video.</param>
    /// <param name="PlaceSpread">|place of one component - place of another| (a motion model that cannot tell which
    /// digit is which draws both between them).</param>
    /// <param name="Outside">Share of positions outside the real positions' range on that axis (all
    /// components).</param>
    /// <param name="Apart">|velocity - the components' mean velocity| (0 when the components move as one picture;
    /// Moving MNIST's digits move independently).</param>
    /// <param name="DigitSpeed">Each component's speed in the plane (both axes), averaged over its frames: Moving
    /// MNIST draws it per digit from [2, 4] px a frame and keeps it through bounces.</param>
    /// <param name="Slow">Share of components whose <see cref="DigitSpeed"/> is below the real z's 5th percentile (5%
    /// for the real z).</param>
    /// <param name="Fast">Share above the real z's 95th percentile.</param>
    public sealed record Stats(double Speed, double SpeedChange, double Turn, double AnchorShift, double PlaceError,
        double PlaceSpread, double Outside, double Apart, double DigitSpeed, double Slow, double Fast);

    /// <summary>z [N, D, L, H'+W'] of <paramref name="config"/>'s keypoint layout, scored against the real z of the
    /// same content frames.</summary>
    public static Stats Of(Tensor z, Tensor realZ, AutoencoderConfig config)
    {
        if (!config.WarpKeypoints)
            throw new ArgumentException(
                $"autoencoder '{config.Name}' has no keypoint z (--keypoints): no trajectories to read");
        if (!z.shape.SequenceEqual(realZ.shape))
            throw new ArgumentException(
                $"z [{string.Join(", ", z.shape)}] and real z [{string.Join(", ", realZ.shape)}] differ");
        using var scope = NewDisposeScope();
        var (shift, place) = Read(z, config);                  // [N, 2K, L], [N, 2K]
        var (realShift, realPlace) = Read(realZ, config);
        var position = shift + place.unsqueeze(-1);
        var realPosition = realShift + realPlace.unsqueeze(-1);
        var velocity = position.diff(dim: -1);
        var speed = velocity.abs();
        var perAxis = new long[] { -1, 2, config.WarpComponents, position.shape[2] };
        var low = realPosition.view(perAxis).amin([0, 2, 3], keepdim: true);   // per axis: the real range
        var high = realPosition.view(perAxis).amax([0, 2, 3], keepdim: true);
        var outside = (position.view(perAxis) < low).logical_or(position.view(perAxis) > high).to(float32);
        var digitSpeed = DigitSpeeds(velocity, config.WarpComponents);
        var realDigitSpeed = DigitSpeeds(realPosition.diff(dim: -1), config.WarpComponents).to(float64);
        double slowest = realDigitSpeed.quantile(0.05).item<double>();
        double fastest = realDigitSpeed.quantile(0.95).item<double>();
        return new Stats(
            Mean(speed),
            Mean(speed.std(-1)),
            Mean(velocity.diff(dim: -1).abs()),
            Mean(shift.abs().mean([1]).amin(-1)),
            PlaceDistance(place, realPlace, config.WarpComponents),
            Spread(place, config.WarpComponents),
            Mean(outside),
            Mean(Apart(velocity, config.WarpComponents)),
            Mean(digitSpeed),
            Mean((digitSpeed < slowest).to(float32)),
            Mean((digitSpeed > fastest).to(float32)));
    }

    /// <summary>Each component's mean speed in the plane [N x K] of velocities [N, 2K, L - 1] (each axis's K
    /// components).</summary>
    static Tensor DigitSpeeds(Tensor velocity, int components)
    {
        var perAxis = velocity.view(velocity.shape[0], 2, components, velocity.shape[2]);
        return perAxis.pow(2).sum(1).sqrt().mean([-1]).flatten();
    }

    /// <summary>A table, a row per quantity and a column per named set of z (e.g. real, another clip's,
    /// generated).</summary>
    public static string Table(IReadOnlyList<(string Name, Stats Stats)> columns)
    {
        var ic = System.Globalization.CultureInfo.InvariantCulture;
        (string Row, Func<Stats, double> Of)[] rows =
        [
            ("speed, px a frame", s => s.Speed), ("speed change over frames, px", s => s.SpeedChange),
            ("turn (2nd difference), px", s => s.Turn), ("nearest frame to x̄: mean |shift|, px", s => s.AnchorShift),
            ("place in x̄ vs the real z's, px", s => s.PlaceError),
            ("places' distance between components, px", s => s.PlaceSpread),
            ("velocity apart from the components' mean, px", s => s.Apart),
            ("positions outside the real range, %", s => 100 * s.Outside),
            ("digit speed in the plane, px a frame", s => s.DigitSpeed),
            ("digits slower than the real 5th percentile, %", s => 100 * s.Slow),
            ("digits faster than the real 95th percentile, %", s => 100 * s.Fast),
        ];
        int width = Math.Max(12, columns.Max(c => c.Name.Length) + 2);
        var lines = new List<string>
            { "trajectories (keypoint z)".PadRight(48) + string.Concat(columns.Select(c => c.Name.PadLeft(width))) };
        lines.AddRange(rows.Select(r => r.Row.PadRight(48) +
            string.Concat(columns.Select(c => r.Of(c.Stats).ToString("F2", ic).PadLeft(width)))));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>|v_k - mean over components of v| of velocities [N, 2K, L - 1] (each axis's K components): 0 when the
    /// components move together, as one rigid picture; independent digits move apart.</summary>
    static Tensor Apart(Tensor velocity, int components)
    {
        var perAxis = velocity.view(velocity.shape[0], 2, components, velocity.shape[2]);
        return (perAxis - perAxis.mean([2], keepdim: true)).abs();
    }

    /// <summary>Both axes' shifts [N, 2K, L] (rows' then columns') and places [N, 2K], in pixels.</summary>
    static (Tensor Shift, Tensor Place) Read(Tensor z, AutoencoderConfig config)
    {
        var (zx, zy) = MotionLatent.Split(z, config.GridHeight, config.GridWidth);
        var (dy, py) = KeypointHead.Read(zx, config.WarpComponents, config.Height);
        var (dx, px) = KeypointHead.Read(zy, config.WarpComponents, config.Width);
        return (cat([dy, dx], 1), cat([py, px], 1));
    }

    /// <summary>Mean |place - real place| over axes and components, per clip the smallest over the components'
    /// orders.</summary>
    static double PlaceDistance(Tensor place, Tensor realPlace, int components)
    {
        var p = place.view(-1, 2, components);                    // [N, axis, K]
        var r = realPlace.view(-1, 2, components);
        var orders = Orders(components).Select(order =>
            (p.index_select(2, tensor(order, device: p.device)) - r).abs().mean([1, 2]));
        return Mean(stack(orders.ToArray()).amin(0));
    }

    /// <summary>Mean |place_i - place_j| over axes and pairs of components i &lt; j (0 for one component).</summary>
    static double Spread(Tensor place, int components)
    {
        if (components < 2) return 0;
        var p = place.view(-1, 2, components);
        var gaps = Enumerable.Range(0, components).SelectMany(i => Enumerable.Range(i + 1, components - i - 1)
            .Select(j => (p.select(2, i) - p.select(2, j)).abs()));
        return Mean(stack(gaps.ToArray()));
    }

    /// <summary>Every order of 0 .. n-1.</summary>
    static IEnumerable<long[]> Orders(int n) => n == 1 ? [[0]]
        : Orders(n - 1).SelectMany(o => Enumerable.Range(0, n)
            .Select(i => o.Take(i).Append(n - 1).Concat(o.Skip(i)).ToArray()));

    static double Mean(Tensor t) => t.to(float64).mean().item<double>();
}
