using Cmd.Models.Autoencoder;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>
/// Real keypoint z changed in one trajectory property at a time (<see cref="KeypointTrajectories"/>), to measure what
/// FVD-local minds in generated motion: slower digits (shifts times a factor, so x̄'s frame stays put), jitter (a
/// Gaussian per frame, component and axis), an offset (one Gaussian per clip, component and axis: no frame is x̄) or
/// borrowed shifts (those of the clip N further on in the set, with the clip's own places: real motion that does not
/// fit where the clip's digits are) or smoothed shifts (<see cref="Pipeline.KeypointSmoothing"/>: what rounding the
/// bounces costs). Amounts are a factor for slow, a standard deviation in pixels for jitter and offset, a whole number
/// of clips for borrow, sigma in frames for smooth; or read places (the clip's own shifts with its places as the
/// autoencoder reads them off x̄: <see cref="Pipeline.KeypointPlaces"/>; no amount): are the read places the clip's?
/// </summary>
public sealed record TrajectoryProbe(TrajectoryProbe.Change Kind, double Amount)
{
    public enum Change { Slow, Jitter, Offset, Borrow, Read, Smooth }

    public override string ToString() => Kind == Change.Read ? "read" :
        $"{Kind.ToString().ToLowerInvariant()}:{Amount.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>"slow:0.87", "jitter:0.5", "offset:4", "borrow:1", "smooth:1" or "read".</summary>
    public static TrajectoryProbe Parse(string text)
    {
        if (text.Equals("read", StringComparison.OrdinalIgnoreCase)) return new TrajectoryProbe(Change.Read, 0);
        var parts = text.Split(':');
        bool known = Enum.GetNames<Change>().Contains(parts[0], StringComparer.OrdinalIgnoreCase);   // names, not numbers
        var kind = known ? Enum.Parse<Change>(parts[0], ignoreCase: true) : default;
        if (parts.Length != 2 || !known || !double.TryParse(parts[1], System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out double amount) || !double.IsFinite(amount) || amount < 0
            || kind == Change.Borrow && (amount < 1 || amount != Math.Floor(amount)) || kind == Change.Read)
            throw new ArgumentException($"--probe '{text}': give slow:FACTOR, jitter:PIXELS or offset:PIXELS (>= 0), " +
                                        "borrow:CLIPS (a whole number >= 1), smooth:FRAMES or read");
        return new TrajectoryProbe(kind, amount);
    }

    /// <summary>z [N, D, L, H'+W'] of a keypoint autoencoder with this change applied to its shift channels (read:
    /// its places from <paramref name="read"/>, z of the same clips whose places are read off x̄).</summary>
    public Tensor Apply(Tensor z, AutoencoderConfig config, Tensor? read = null)
    {
        if (Kind == Change.Read && read is null)
            throw new ArgumentException("the read probe needs the places read off x̄ (KeypointPlaces)");
        if (!config.WarpKeypoints)
            throw new ArgumentException($"autoencoder '{config.Name}' has no keypoint z (--keypoints): nothing to probe");
        int k = config.WarpComponents;
        long n = z.shape[0], frames = z.shape[2];
        using var scope = NewDisposeScope();
        var shifts = z.narrow(1, 0, k);
        if (Kind == Change.Read) return cat([shifts, read!.narrow(1, k, z.shape[1] - k)], 1).MoveToOuterDisposeScope();
        if (Kind == Change.Smooth) return Pipeline.KeypointSmoothing.Apply(z, config, Amount).MoveToOuterDisposeScope();
        var changed = Kind switch
        {
            Change.Slow => shifts * Amount,
            Change.Jitter => shifts + Noise(n, k, frames, config, z),
            Change.Borrow => shifts.roll(-(long)Amount, 0),                  // clip i gets clip i + N's shifts
            _ => shifts + Noise(n, k, 1, config, z).expand(-1, -1, frames, -1),
        };
        return cat([changed, z.narrow(1, k, z.shape[1] - k)], 1).MoveToOuterDisposeScope();
    }

    /// <summary>Gaussian shifts of <see cref="Amount"/> pixels [N, K, frames, H'+W'], one per axis, the same over its
    /// grid cells (as the keypoint head lays shifts out), in units of z.</summary>
    Tensor Noise(long n, int k, long frames, AutoencoderConfig config, Tensor like)
    {
        var rows = randn(n, k, frames, 1, dtype: like.dtype, device: like.device).expand(-1, -1, -1, config.GridHeight);
        var cols = randn(n, k, frames, 1, dtype: like.dtype, device: like.device).expand(-1, -1, -1, config.GridWidth);
        return cat([rows / SeparableWarp.PixelsPerUnit(config.Height), cols / SeparableWarp.PixelsPerUnit(config.Width)], -1)
            * Amount;
    }
}
