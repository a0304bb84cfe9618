using System.Globalization;
using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>
/// Workbench switch, in neither paper nor code: the motion DiT learns a keypoint z's shift channels (the first
/// <see cref="Channels"/>; a component's offset in each frame) as their first frame and then frame-to-frame steps
/// times <see cref="Gain"/>, the other channels as they are. A digit's speed is then the signal itself rather than
/// the small difference of two noisy offsets (steps have about a quarter of the offsets' spread), so the diffusion
/// noise drowns it no sooner than the places. Linear and exactly invertible; sampled z are decoded back.
/// </summary>
/// <param name="Channels">How many leading z channels are per-frame offsets (a keypoint autoencoder's components).</param>
/// <param name="Gain">Multiplies the steps: std(offsets) / std(steps) of the training z, so both have one spread.</param>
public sealed record MotionVelocity(int Channels, float Gain)
{
    /// <summary>z [N, D, L, G] -> the form the DiT learns: offsets at frame 0, then (s_l - s_{l-1}) x Gain.</summary>
    public Tensor Encode(Tensor z)
    {
        Check(z);
        using var scope = NewDisposeScope();
        var s = z.narrow(1, 0, Channels);
        var steps = (s.narrow(2, 1, s.shape[2] - 1) - s.narrow(2, 0, s.shape[2] - 1)) * Gain;
        var v = cat([s.narrow(2, 0, 1), steps], 2);
        return cat([v, z.narrow(1, Channels, z.shape[1] - Channels)], 1).MoveToOuterDisposeScope();
    }

    /// <summary>The inverse of <see cref="Encode"/>: s_l = s_0 + (v_1 + ... + v_l) / Gain.</summary>
    public Tensor Decode(Tensor v)
    {
        Check(v);
        using var scope = NewDisposeScope();
        var s = v.narrow(1, 0, Channels);
        var first = s.narrow(2, 0, 1);
        var offsets = first + (s.narrow(2, 1, s.shape[2] - 1) / Gain).cumsum(2);
        var rest = v.narrow(1, Channels, v.shape[1] - Channels);
        return cat([cat([first, offsets], 2), rest], 1).MoveToOuterDisposeScope();
    }

    /// <summary>The form for training z [N, D, L, G]: the gain that gives steps the offsets' spread.</summary>
    public static MotionVelocity For(Tensor z, int channels)
    {
        if (channels < 1 || channels > z.shape[1])
            throw new ArgumentException($"--z-velocity must be 1-{z.shape[1]} leading z channels (got {channels})");
        if (z.shape[2] < 2) throw new ArgumentException($"--z-velocity needs z with at least 2 frames (got {z.shape[2]})");
        using var scope = NewDisposeScope();
        var s = z.narrow(1, 0, channels);
        double steps = (s.narrow(2, 1, s.shape[2] - 1) - s.narrow(2, 0, s.shape[2] - 1)).std().item<float>();
        double offsets = s.std().item<float>();
        if (!(steps > 0) || !(offsets > 0))
            throw new ArgumentException($"--z-velocity {channels}: the first {channels} z channels do not move (std {steps:G3})");
        return new MotionVelocity(channels, (float)(offsets / steps));
    }

    /// <summary>x_0 -> x_0 maps of z (the anchor, the layout projection) made to act on this form: decode, map, encode.</summary>
    public Func<Tensor, Tensor>? Wrap(Func<Tensor, Tensor>? onZ) =>
        onZ is null ? null : v => { using var scope = NewDisposeScope(); return Encode(onZ(Decode(v))).MoveToOuterDisposeScope(); };

    /// <summary>Metadata value: "channels,gain".</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Channels},{Gain:R}");

    /// <summary>Reads <see cref="Format"/>; null for an empty value; a clear error otherwise.</summary>
    public static MotionVelocity? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var parts = text.Split(',');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) && c > 0
            && float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float g) && g > 0 && float.IsFinite(g))
            return new MotionVelocity(c, g);
        throw new FormatException($"motion metadata \"{ModelMetadata.ZVelocityKey}\" must be \"channels,gain\" (got \"{text}\")");
    }

    void Check(Tensor z)
    {
        if (z.dim() != 4 || z.shape[1] < Channels || z.shape[2] < 2)
            throw new ArgumentException($"motion velocity form needs z [N, D >= {Channels}, L >= 2, G] (got [{string.Join(", ", z.shape)}])");
    }
}
