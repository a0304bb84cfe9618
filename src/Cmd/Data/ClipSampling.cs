namespace Cmd.Data;

/// <summary>Where a video's clips start.</summary>
public enum ClipStart
{
    /// <summary>Clips every <see cref="ClipSampling.Hop"/> frames along the video (many clips per video; default non-overlapping).</summary>
    Grid,
    /// <summary><see cref="ClipSampling.ClipsPerVideo"/> starts drawn uniformly from the seed (the same on every run).</summary>
    Random,
    /// <summary>One clip per video, from frame <see cref="ClipSampling.FixedStart"/> (default its first frame).</summary>
    First,
}

/// <summary>What a file-backed dataset does with a video that cannot give a correct clip.</summary>
public enum BadVideoPolicy
{
    /// <summary>Leave it out, record it in <see cref="VideoFileDataset.Skipped"/> (path + reason), carry on.</summary>
    Skip,
    /// <summary>Throw a <see cref="VideoDataException"/> naming the file and the reason.</summary>
    Fail,
}

/// <summary>How much a dataset checks each video when it is opened.</summary>
public enum VideoValidation
{
    /// <summary>ffprobe only (fast: container metadata and packet count); damage shows up when a clip is decoded.</summary>
    Probe,
    /// <summary>Decode every video once at the clip size in grey: exact frame count, decoding errors and glitches found up front.</summary>
    Decode,
}

/// <summary>How clips are cut from video files: length, frame step or rate, size, starts, and the bad-input policy.</summary>
public sealed record ClipSampling
{
    /// <summary>Clip length L.</summary>
    public int Frames { get; init; } = 16;
    /// <summary>Frame size, channels, stride / target fps, resize mode, timeout, damage checks.</summary>
    public DecodeOptions Decode { get; init; } = new();
    public ClipStart Start { get; init; } = ClipStart.Grid;
    /// <summary>Grid: frames between clip starts (default: one clip length, Frames * Stride, i.e. non-overlapping).</summary>
    public int? Hop { get; init; }
    /// <summary>Random: starts per video. Grid: at most this many clips per video (0 = all).</summary>
    public int ClipsPerVideo { get; init; }
    /// <summary>First: the frame the single clip starts at (a video too short for it is TooShort).</summary>
    public int FixedStart { get; init; }
    /// <summary>Seed of random starts.</summary>
    public long Seed { get; init; }
    public BadVideoPolicy OnBadVideo { get; init; } = BadVideoPolicy.Skip;
    public VideoValidation Validation { get; init; } = VideoValidation.Probe;
    /// <summary>
    /// Seek near each clip using the video's frame times (one ffprobe pass per video, on its first clip) instead of
    /// decoding from the first frame every time: same frames, much faster on long videos. Not used with a target fps.
    /// </summary>
    public bool Seek { get; init; } = true;
    /// <summary>
    /// Memory for whole decoded videos (bytes at the clip size): a video with several clips whose frames fit in half
    /// of this is decoded once, in one ffmpeg pass, and its clips are cut from memory (least recently used videos
    /// are dropped). 0 turns it off (every clip is its own ffmpeg run).
    /// </summary>
    public long WholeVideoBudgetBytes { get; init; } = 512L << 20;
    /// <summary>Parallel ffprobe/ffmpeg processes when opening a dataset.</summary>
    public int ProbeWorkers { get; init; } = 2;

    /// <summary>Tests: 8 frames of 32x32 RGB.</summary>
    public static ClipSampling Tiny => new() { Frames = 8, Decode = new DecodeOptions { Height = 32, Width = 32 } };
    /// <summary>CPU training: 16 frames of 64x64 RGB.</summary>
    public static ClipSampling Small => new();

    public static IReadOnlyList<string> PresetNames => ["tiny", "small"];

    public static ClipSampling Preset(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "small" => Small,
        _ => throw new ArgumentException($"unknown clip sampling preset '{name}' (known: {string.Join(", ", PresetNames)})"),
    };

    /// <summary>Frames a clip spans in the (resampled) video: (L - 1) * stride + 1.</summary>
    public int Span => (Frames - 1) * Decode.Stride + 1;

    public VideoShape Shape => new(Frames, Decode.Channels, Decode.Height, Decode.Width);

    public ClipSampling Validate()
    {
        if (Frames < 1) throw new ArgumentException($"clip length must be >= 1 (got {Frames})");
        if (Hop is < 1) throw new ArgumentException($"clip hop must be >= 1 (got {Hop})");
        if (FixedStart < 0) throw new ArgumentException($"fixed clip start must be >= 0 (got {FixedStart})");
        if (ClipsPerVideo < 0) throw new ArgumentException($"clips per video must be >= 0 (got {ClipsPerVideo})");
        if (Start == ClipStart.Random && ClipsPerVideo < 1) throw new ArgumentException("random clip starts need ClipsPerVideo >= 1");
        if (ProbeWorkers < 1) throw new ArgumentException($"probe workers must be >= 1 (got {ProbeWorkers})");
        Decode.Validate();
        return this;
    }
}
