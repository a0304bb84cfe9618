using Cmd.Models.Denoisers;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>Where a magnitude-conditioned motion DiT (<see cref="MotionMagnitude"/>) gets its condition on held-out
/// clips: another clip's real z (the default: real motion, not the clip's own), the clip's own z (an oracle: what
/// the condition can tell at best), or the training clips' prior the file keeps (as `sample` draws).</summary>
public enum MagnitudeSource { Other, Own, Prior }

/// <summary>A <see cref="MagnitudeSource"/> and a gain on what it gives (1: as it is; a probe of how the samples
/// follow the condition).</summary>
public sealed record MagnitudeDraw(MagnitudeSource Source = MagnitudeSource.Other, double Gain = 1.0)
{
    public static readonly MagnitudeDraw Default = new();

    /// <summary>m [N, 2D] for the held-out pairs, or null for a motion DiT without the condition.</summary>
    public Tensor? For(LoadedDiffusionModel<MotionDiT> motion, LatentPairs held)
    {
        var c = motion.Model.Config;
        if (!c.MagnitudeCondition)
        {
            if (this != Default)
                throw new ArgumentException($"--magnitudes and --magnitude-gain need a motion DiT trained with " +
                                            $"--magnitude ({motion.Path} is not)");
            return null;
        }
        if (!(Gain >= 0) || double.IsInfinity(Gain))
            throw new ArgumentException($"--magnitude-gain must be >= 0 (got {Gain})");
        if (Source == MagnitudeSource.Other && held.Count < 2)
            throw new ArgumentException("magnitudes of another clip need at least 2 held-out clips");
        using var scope = NewDisposeScope();
        var m = Source switch
        {
            MagnitudeSource.Own => motion.Magnitude!.Of(held.Z, c.GridHeight, c.GridWidth),
            MagnitudeSource.Prior => motion.DrawMagnitudes(held.Count, c.MagnitudeInputs),
            _ => motion.Magnitude!.Of(held.Z.roll(1, 0), c.GridHeight, c.GridWidth),
        };
        return (m * Gain).MoveToOuterDisposeScope();
    }

    public override string ToString() => Source switch
    {
        MagnitudeSource.Own => "each clip's own real z (an oracle)",
        MagnitudeSource.Prior => "the training clips' kept in the file, at random",
        _ => "the real z of the held-out clip before it",
    } + (Gain == 1.0 ? "" : $", times {Gain.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
}
