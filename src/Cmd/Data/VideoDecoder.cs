using System.Globalization;
using static TorchSharp.torch;

namespace Cmd.Data;

public enum ResizeMode
{
    /// <summary>Scale so the frame covers H x W, then cut the centre (keeps the aspect ratio).</summary>
    CenterCrop,
    /// <summary>Scale to exactly H x W (distorts the aspect ratio).</summary>
    Stretch,
}

/// <summary>How frames come out of <see cref="VideoDecoder"/>.</summary>
public sealed record DecodeOptions
{
    public int Height { get; init; } = 64;
    public int Width { get; init; } = 64;
    /// <summary>3 (RGB) or 1 (grey).</summary>
    public int Channels { get; init; } = 3;
    /// <summary>Take every Stride-th frame.</summary>
    public int Stride { get; init; } = 1;
    /// <summary>Resample the video to this frame rate first (ffmpeg's fps filter); null keeps the decoded frames as they are.</summary>
    public double? Fps { get; init; }
    public ResizeMode Resize { get; init; } = ResizeMode.CenterCrop;
    /// <summary>Longest one ffmpeg run may take before it is stopped and the video reported as timed out.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Errors ffmpeg prints while decoding (at -v error) make the video Damaged instead of being ignored.</summary>
    public bool FailOnDecodeErrors { get; init; } = true;
    /// <summary>
    /// A frame whose mean difference to both neighbours exceeds this multiple of the neighbours' difference to each
    /// other (plus 0.01) is a glitch and the video is Damaged; null disables the check. Healthy videos here score
    /// below 0.8; the corrupted frames of OpenCV's Megamind_bugy.avi score 3.9-11 (measured at 64x64).
    /// </summary>
    public double? GlitchThreshold { get; init; } = 2.5;

    public DecodeOptions Validate()
    {
        if (Height < 1 || Width < 1) throw new ArgumentException($"decode size must be positive (got {Height}x{Width})");
        if (Channels is not (1 or 3)) throw new ArgumentException($"decode channels must be 1 or 3 (got {Channels})");
        if (Stride < 1) throw new ArgumentException($"frame stride must be >= 1 (got {Stride})");
        if (Fps is <= 0) throw new ArgumentException($"target fps must be positive (got {Fps})");
        if (Timeout <= TimeSpan.Zero) throw new ArgumentException("decode timeout must be positive");
        return this;
    }

    internal int FrameBytes => Height * Width * Channels;
}

/// <summary>
/// Decodes video through ffmpeg's raw-video pipe: frames (after optional fps resampling) start, start+stride, ...,
/// resized (area filter) and centre-cropped to H x W, as uint8 or as float tensors [L, C, H, W] in [-1, 1].
/// Every failure is a <see cref="VideoDataException"/> naming the file and the reason; nothing runs past the timeout.
/// </summary>
public static class VideoDecoder
{
    // Scalars that live as long as the process: the loader's threads decode outside the training step's no-GC region,
    // where an implicit Scalar could be finalized while libtorch reads it (see Runtime.NoGcRegion)
    internal static readonly TorchSharp.Scalar HalfRange = 127.5f, One = 1f;

    /// <summary>
    /// Clip of <paramref name="count"/> frames from frame <paramref name="start"/>: float32 [L, C, H, W] in [-1, 1].
    /// With the video's <paramref name="frameTimes"/> (from <see cref="FrameTimes"/>) ffmpeg seeks near the clip instead
    /// of decoding from the first frame; the frames are the same either way.
    /// </summary>
    public static Tensor Decode(string path, int start, int count, DecodeOptions options, double[]? frameTimes = null) =>
        ToTensor(DecodeBytes(path, start, count, options, frameTimes), count, options);

    /// <summary>Clip as uint8 [L, H, W, C] bytes (ffmpeg's rgb24/gray layout). Fewer than <paramref name="count"/> frames is TooShort.</summary>
    public static byte[] DecodeBytes(string path, int start, int count, DecodeOptions options, double[]? frameTimes = null)
    {
        options.Validate();
        if (start < 0 || count < 1) throw new ArgumentException($"bad clip range: start {start}, {count} frames");
        var bytes = Run(path, options, start, count, SeekTime(frameTimes, start, options));
        int got = bytes.Length / options.FrameBytes;
        if (got < count)
            throw new VideoDataException(path, VideoProblem.TooShort,
                $"needs {count} frames from frame {start} with stride {options.Stride}{FpsText(options)}, only {got} decoded");
        CheckGlitches(path, bytes, count, options, start);
        return bytes;
    }

    /// <summary>Every frame (stride applied) as uint8 [N, H, W, C]; <paramref name="frames"/> = N.</summary>
    public static byte[] DecodeAllBytes(string path, DecodeOptions options, out int frames)
    {
        options.Validate();
        var bytes = Run(path, options, 0, null, null);
        frames = bytes.Length / options.FrameBytes;
        if (frames == 0) throw new VideoDataException(path, VideoProblem.Damaged, "no frame could be decoded");
        CheckGlitches(path, bytes, frames, options, 0);
        return bytes;
    }

    /// <summary>uint8 [L, H, W, C] to float32 [L, C, H, W] in [-1, 1].</summary>
    public static Tensor ToTensor(byte[] bytes, int frames, DecodeOptions options)
    {
        using var scope = NewDisposeScope();
        var raw = tensor(bytes, [frames, options.Height, options.Width, options.Channels], dtype: ScalarType.Byte);
        var result = raw.permute(0, 3, 1, 2).to_type(ScalarType.Float32).div_(HalfRange).sub_(One).contiguous();
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Presentation times (s) of every decoded frame, from ffprobe (one decoding pass, no scaling or output); NaN where
    /// a frame has no timestamp. Null when ffprobe fails or the known times are not strictly increasing (then clips are
    /// decoded from the first frame).
    /// </summary>
    public static double[]? FrameTimes(string path, TimeSpan timeout)
    {
        VideoProbe.CheckFile(path);
        var r = Ffmpeg.Run(Ffmpeg.FfprobePath, ["-v", "quiet", "-select_streams", "v:0", "-show_entries", "frame=best_effort_timestamp_time", "-of", "csv=p=0", path], timeout, path);
        if (r.ExitCode != 0) return null;
        var lines = System.Text.Encoding.ASCII.GetString(r.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var times = new double[lines.Length];
        double last = double.NegativeInfinity;
        for (int i = 0; i < lines.Length; i++)
        {
            times[i] = double.TryParse(lines[i].TrimEnd(','), NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : double.NaN;
            if (double.IsNaN(times[i])) continue;
            if (times[i] <= last) return null;
            last = times[i];
        }
        return times.Length > 0 ? times : null;
    }

    // (seek-to, select-from) times for a clip starting at frame `start`, when seeking is possible.
    static (double SeekTo, double From)? SeekTime(double[]? times, int start, DecodeOptions o)
    {
        if (times is null || o.Fps is not null || start < 1 || start >= times.Length || double.IsNaN(times[start - 1]) || double.IsNaN(times[start])) return null;
        double from = (times[start - 1] + times[start]) / 2; // between the previous frame and the first wanted one
        return (Math.Max(0, times[start] - 1.0), from);
    }

    static byte[] Run(string path, DecodeOptions o, int start, int? count, (double SeekTo, double From)? seek)
    {
        VideoProbe.CheckFile(path);
        var filters = new List<string>();
        if (o.Fps is double fps) filters.Add($"fps={fps.ToString(CultureInfo.InvariantCulture)}");
        if (seek is { } sk)
        {
            // -copyts keeps the file's timestamps, so t below is the frame time ffprobe reported
            filters.Add($"select='gte(t,{sk.From.ToString("R", CultureInfo.InvariantCulture)})'");
            if (o.Stride > 1) filters.Add($"select='not(mod(n,{o.Stride}))'");
        }
        else if (start > 0 || o.Stride > 1) filters.Add($"select='gte(n,{start})*not(mod(n-{start},{o.Stride}))'");
        filters.Add(o.Resize == ResizeMode.CenterCrop
            ? $"scale={o.Width}:{o.Height}:force_original_aspect_ratio=increase:flags=area,crop={o.Width}:{o.Height}"
            : $"scale={o.Width}:{o.Height}:flags=area");
        filters.Add("setsar=1");
        var args = new List<string> { "-nostdin", "-hide_banner", "-v", "error" };
        if (seek is { } s2) args.AddRange(["-ss", s2.SeekTo.ToString("R", CultureInfo.InvariantCulture), "-copyts"]);
        args.AddRange(["-i", path, "-map", "0:v:0", "-an", "-sn", "-dn",
            "-fps_mode", "passthrough", "-vf", string.Join(",", filters)]);
        if (count is int n) args.AddRange(["-frames:v", n.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(["-f", "rawvideo", "-pix_fmt", o.Channels == 3 ? "rgb24" : "gray", "pipe:1"]);
        var r = Ffmpeg.Run(Ffmpeg.FfmpegPath, args, o.Timeout, path);
        if (r.ExitCode != 0)
        {
            bool unreadable = r.Stdout.Length == 0 && (r.Stderr.Contains("Invalid data found when processing input") || r.Stderr.Contains("does not contain any stream")
                || r.Stderr.Contains("matches no streams") || r.Stderr.Contains("Invalid argument"));
            throw new VideoDataException(path, unreadable ? VideoProblem.NotVideo : VideoProblem.Damaged, $"ffmpeg failed (exit {r.ExitCode}): {Ffmpeg.Summary(r.Stderr)}");
        }
        if (o.FailOnDecodeErrors && !string.IsNullOrWhiteSpace(r.Stderr))
            throw new VideoDataException(path, VideoProblem.Damaged, $"decoding errors: {Ffmpeg.Summary(r.Stderr)}");
        if (r.Stdout.Length % o.FrameBytes != 0)
            throw new VideoDataException(path, VideoProblem.Damaged, $"ffmpeg returned {r.Stdout.Length} bytes, not a whole number of {o.Width}x{o.Height}x{o.Channels} frames");
        return r.Stdout;
    }

    static string FpsText(DecodeOptions o) => o.Fps is double f ? $" at {f:0.###} fps" : "";

    static void CheckGlitches(string path, byte[] bytes, int frames, DecodeOptions o, int start)
    {
        if (o.GlitchThreshold is not double threshold || frames < 3) return;
        var (frame, score) = WorstGlitch(bytes, frames, o.FrameBytes);
        if (score > threshold)
            throw new VideoDataException(path, VideoProblem.Damaged,
                $"frame {start + frame * o.Stride} breaks temporal continuity (glitch score {score:0.0} > {threshold:0.0}: it differs from both neighbours, which match each other)");
    }

    /// <summary>
    /// The frame t (1..N-2) with the largest min(d(t-1,t), d(t,t+1)) / (d(t-1,t+1) + 0.01), d = mean absolute
    /// difference in [0, 1] units: large for an isolated corrupted frame, small for motion and for scene cuts.
    /// </summary>
    public static (int Frame, double Score) WorstGlitch(byte[] bytes, int frames, int frameBytes)
    {
        double D(int a, int b)
        {
            long sum = 0;
            int oa = a * frameBytes, ob = b * frameBytes;
            for (int i = 0; i < frameBytes; i++) sum += Math.Abs(bytes[oa + i] - bytes[ob + i]);
            return sum / (255.0 * frameBytes);
        }
        (int, double) worst = (-1, 0);
        double prev = frames > 1 ? D(0, 1) : 0;
        for (int t = 1; t < frames - 1; t++)
        {
            double next = D(t, t + 1);
            double score = Math.Min(prev, next) / (D(t - 1, t + 1) + 0.01);
            if (score > worst.Item2) worst = (t, score);
            prev = next;
        }
        return worst;
    }
}
