using static TorchSharp.torch;

namespace Cmd.Data;

/// <summary>
/// Moving MNIST clips generated on demand from the real digits: clip i is a pure function of (config, seed, i),
/// bit-identical on every run. Label = class of the first digit; caption = the direction each digit moves in for most of the clip,
/// e.g. "digit 3 moves up and right, digit 8 moves left". Digits bounce off the frame edges and are composited
/// with a per-pixel max, as in Srivastava et al. (2015).
/// </summary>
public sealed class MovingMnist : IVideoDataset
{
    /// <summary>Seed of the "real" evaluation clips (test digits) that FVD, FVD-local sanity and CLIPSIM all draw, so their real sets agree.</summary>
    public const long EvaluationSeed = 50_000;

    static readonly string[] classNames = Enumerable.Range(0, 10).Select(d => d.ToString()).ToArray();

    readonly MnistDigits digits;
    readonly int[] pool;

    public MovingMnistConfig Config { get; }
    public long Seed { get; }
    public int Count { get; }
    public string Name => "mmnist";
    public VideoShape Shape => Config.Shape;
    public IReadOnlyList<string> ClassNames => classNames;

    public MovingMnist(MovingMnistConfig config, int count = 10_000, long seed = 0, MnistDigits? digits = null)
    {
        Config = config.Validate();
        if (count < 1) throw new ArgumentException($"Moving MNIST: count must be >= 1 (got {count})");
        Count = count;
        Seed = seed;
        this.digits = digits ?? MnistDigits.Shared;
        pool = this.digits.Indices(config.Split);
    }

    /// <summary>
    /// One digit's path: MNIST index, class, top-left corner per frame, initial velocity (pixels/frame, y down), and
    /// the velocity it has for most of the clip (bounces flip a component; the sign held over most steps wins).
    /// </summary>
    public sealed record DigitTrack(int DigitIndex, int Class, int[] Top, int[] Left, double VelocityX, double VelocityY, double MainVelocityX, double MainVelocityY);

    public VideoClip Get(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"clip {index} outside 0..{Count - 1}");
        var tracks = Tracks(index);
        var pixels = Render(tracks);
        var c = Config;
        var frames = tensor(pixels, [c.Frames, c.Channels, c.Size, c.Size], dtype: ScalarType.Float32);
        string source = $"mmnist seed={Seed} index={index} digits={string.Join(",", tracks.Select(t => t.DigitIndex))}";
        return new VideoClip(frames, tracks[0].Class, Caption(tracks), source);
    }

    /// <summary>
    /// Clip <paramref name="index"/>'s motion twin: the same digit paths (positions in every frame) carrying other digits,
    /// drawn from the pool with a stream no clip uses. Its label is its first digit's class.
    /// </summary>
    public VideoClip Twin(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"clip {index} outside 0..{Count - 1}");
        var rng = SeededRandom.For(Seed, -1L - index);
        var tracks = Tracks(index).Select(t => TwinTrack(t, pool[rng.Next(pool.Length)])).ToArray();
        var c = Config;
        var frames = tensor(Render(tracks), [c.Frames, c.Channels, c.Size, c.Size], dtype: ScalarType.Float32);
        string source = $"mmnist seed={Seed} twin of index={index} digits={string.Join(",", tracks.Select(t => t.DigitIndex))}";
        return new VideoClip(frames, tracks[0].Class, Caption(tracks), source);
    }

    DigitTrack TwinTrack(DigitTrack track, int digit) => track with { DigitIndex = digit, Class = digits.Label(digit) };

    /// <summary>The random draws of clip <paramref name="index"/>: digits, start positions, velocities and bounces.</summary>
    public DigitTrack[] Tracks(int index)
    {
        var c = Config;
        var rng = SeededRandom.For(Seed, index);
        double range = c.Size - c.DigitSize;
        var tracks = new DigitTrack[c.Digits];
        for (int d = 0; d < c.Digits; d++)
        {
            int digit = pool[rng.Next(pool.Length)];
            double x = rng.NextDouble() * range, y = rng.NextDouble() * range;
            double theta = rng.NextDouble() * 2 * Math.PI, speed = rng.Uniform(c.SpeedMin, c.SpeedMax);
            double vx = speed * Math.Cos(theta), vy = speed * Math.Sin(theta);
            var top = new int[c.Frames];
            var left = new int[c.Frames];
            double px = x, py = y, pvx = vx, pvy = vy;
            int votesX = 0, votesY = 0; // steps moving right minus left, down minus up
            for (int t = 0; t < c.Frames; t++)
            {
                top[t] = (int)Math.Floor(py);
                left[t] = (int)Math.Floor(px);
                double beforeX = px, beforeY = py;
                Step(ref px, ref pvx, range);
                Step(ref py, ref pvy, range);
                if (t < c.Frames - 1) { votesX += Math.Sign(px - beforeX); votesY += Math.Sign(py - beforeY); }
            }
            double mainX = votesX == 0 ? vx : Math.Sign(votesX) * Math.Abs(vx);
            double mainY = votesY == 0 ? vy : Math.Sign(votesY) * Math.Abs(vy);
            tracks[d] = new DigitTrack(digit, digits.Label(digit), top, left, vx, vy, mainX, mainY);
        }
        return tracks;
    }

    // Moves one coordinate and reflects it off [0, range] (the velocity flips at a wall).
    static void Step(ref double position, ref double velocity, double range)
    {
        position += velocity;
        if (position < 0) { position = -position; velocity = -velocity; }
        if (position > range) { position = 2 * range - position; velocity = -velocity; }
        position = Math.Clamp(position, 0, range);
    }

    float[] Render(DigitTrack[] tracks)
    {
        var c = Config;
        int area = c.Size * c.Size;
        var grey = new float[c.Frames * area];
        foreach (var track in tracks)
        {
            var sprite = Sprite(track.DigitIndex);
            for (int t = 0; t < c.Frames; t++)
            {
                int offset = t * area;
                for (int r = 0; r < c.DigitSize; r++)
                {
                    int row = offset + (track.Top[t] + r) * c.Size + track.Left[t];
                    for (int col = 0; col < c.DigitSize; col++)
                    {
                        float v = sprite[r * c.DigitSize + col];
                        if (v > grey[row + col]) grey[row + col] = v;
                    }
                }
            }
        }
        var output = new float[c.Frames * c.Channels * area];
        for (int t = 0; t < c.Frames; t++)
            for (int ch = 0; ch < c.Channels; ch++)
            {
                int src = t * area, dst = (t * c.Channels + ch) * area;
                for (int p = 0; p < area; p++) output[dst + p] = 2f * grey[src + p] - 1f;
            }
        return output;
    }

    // Digit as floats in [0, 1], area-resampled to DigitSize when it differs from the stored 28.
    float[] Sprite(int digit)
    {
        var src = digits.Pixels(digit);
        int n = digits.Rows, m = Config.DigitSize;
        if (m == n && digits.Cols == n) return src.ToArray().Select(b => b / 255f).ToArray();
        var wy = AreaWeights(digits.Rows, m);
        var wx = AreaWeights(digits.Cols, m);
        var result = new float[m * m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
            {
                double sum = 0;
                for (int r = 0; r < digits.Rows; r++)
                {
                    if (wy[i, r] == 0) continue;
                    for (int q = 0; q < digits.Cols; q++) sum += wy[i, r] * wx[j, q] * src[r * digits.Cols + q];
                }
                result[i * m + j] = (float)(sum / 255.0);
            }
        return result;
    }

    // weights[o, s]: share of source pixel s in output pixel o (each row sums to 1).
    static double[,] AreaWeights(int source, int output)
    {
        var w = new double[output, source];
        double scale = (double)source / output;
        for (int o = 0; o < output; o++)
        {
            double a = o * scale, b = (o + 1) * scale;
            for (int s = (int)Math.Floor(a); s < Math.Min(source, (int)Math.Ceiling(b)); s++)
                w[o, s] = (Math.Min(b, s + 1) - Math.Max(a, s)) / scale;
        }
        return w;
    }

    /// <summary>"digit 3 moves up and right, digit 8 moves left": each digit's main direction over the clip (8 compass sectors).</summary>
    public static string Caption(IEnumerable<DigitTrack> tracks) =>
        string.Join(", ", tracks.Select(t => $"digit {t.Class} {Motion(t.MainVelocityX, t.MainVelocityY)}"));

    static string Motion(double vx, double vy)
    {
        if (Math.Abs(vx) < 1e-9 && Math.Abs(vy) < 1e-9) return "stays still";
        double angle = Math.Atan2(-vy, vx) * 180 / Math.PI; // screen y points down; up is positive here
        int sector = (int)Math.Round(((angle % 360) + 360) % 360 / 45.0) % 8;
        string[] names = ["right", "up and right", "up", "up and left", "left", "down and left", "down", "down and right"];
        return "moves " + names[sector];
    }
}
