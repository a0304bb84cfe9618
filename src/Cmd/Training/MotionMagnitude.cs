using System.Globalization;
using Cmd.Models.Autoencoder;
using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>
/// Workbench switch, in neither paper nor code (after Stable Video Diffusion's motion-bucket condition, Blattmann et
/// al. 2023): the motion DiT is told how far each z channel moves, m = the mean over frames and cells of
/// |z_{l+1} - z_l|, for z_x's cells and z_y's, per channel. For a keypoint z that is each component's speed on each
/// axis. Training reads m from the clip's own z; sampling draws it from other real clips, so the spread of speeds
/// comes from the data rather than from what the network keeps of it at high noise (session 37: it narrows there).
/// </summary>
/// <param name="Scale">m is divided by it: the mean m of the training z, so the condition is about 1.</param>
public sealed record MotionMagnitude(float Scale)
{
    /// <summary>m / <see cref="Scale"/> [N, 2D] of z [N, D, L, H'+W'] (z as the autoencoder made it).</summary>
    public Tensor Of(Tensor z, int gridH, int gridW)
    {
        using var scope = NewDisposeScope();
        return (Raw(z, gridH, gridW) / Scale).MoveToOuterDisposeScope();
    }

    /// <summary>The magnitude for training z [N, D, L, H'+W']: its scale is their mean m.</summary>
    public static MotionMagnitude For(Tensor z, int gridH, int gridW)
    {
        using var scope = NewDisposeScope();
        double mean = Raw(z, gridH, gridW).mean().item<float>();
        if (!(mean > 0)) throw new ArgumentException("--magnitude: the training z do not move (mean |step| 0)");
        return new MotionMagnitude((float)mean);
    }

    /// <summary>m [N, 2D]: per channel, the mean |step| over frames and z_x's cells, then over z_y's.</summary>
    static Tensor Raw(Tensor z, int gridH, int gridW)
    {
        if (z.dim() != 4 || z.shape[2] < 2)
            throw new ArgumentException(
                $"motion magnitude needs z [N, D, L >= 2, H'+W'] (got [{string.Join(", ", z.shape)}])");
        var (zx, zy) = MotionLatent.Split(z, gridH, gridW);
        Tensor Steps(Tensor half) => half.diff(dim: 2).abs().mean([2, 3]);          // [N, D]
        return cat([Steps(zx), Steps(zy)], 1);
    }

    /// <summary>Training clips whose m a motion file keeps, for sampling without real z (<see cref="FormatPrior"/>).
    /// </summary>
    public const int PriorRows = 1024;

    /// <summary>Metadata value of the prior: m / <see cref="Scale"/> [R, 2D] of the first training clips, rows
    /// separated by ';', values by ','.</summary>
    public static string FormatPrior(Tensor m)
    {
        static string Row(float[] r) => string.Join(',', r.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)));
        return string.Join(';', m.to(float32).cpu().data<float>().ToArray().Chunk((int)m.shape[1]).Select(Row));
    }

    /// <summary>The prior [R, <paramref name="inputs"/>] of a motion file's metadata, or a clear error naming the key.
    /// </summary>
    public static Tensor ParsePrior(string text, int inputs)
    {
        var rows = text.Split(';');
        var values = new float[rows.Length * inputs];
        for (int i = 0; i < rows.Length; i++)
        {
            var row = rows[i].Split(',');
            bool ok = row.Length == inputs;
            for (int j = 0; ok && j < inputs; j++)
                ok = float.TryParse(row[j], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i * inputs + j])
                     && float.IsFinite(values[i * inputs + j]);
            if (!ok)
                throw new FormatException($"motion metadata \"{ModelMetadata.MagnitudePriorKey}\": row {i + 1} " +
                                          $"is not {inputs} finite numbers");
        }
        return tensor(values, [rows.Length, inputs]);
    }

    /// <summary>Metadata value: the scale.</summary>
    public string Format() => Scale.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The magnitude a motion file's metadata holds; null when absent (no such condition).</summary>
    public static MotionMagnitude? Parse(string? text)
    {
        if (text is null) return null;
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0
            && float.IsFinite(s))
            return new MotionMagnitude(s);
        throw new FormatException(
            $"motion metadata \"{ModelMetadata.MagnitudeKey}\" must be a positive number (got \"{text}\")");
    }
}
