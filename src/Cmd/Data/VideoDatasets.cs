namespace Cmd.Data;

/// <summary>What to open with <see cref="VideoDatasets.Open"/>: a dataset kind and the options that apply to it.</summary>
public sealed record DatasetOptions
{
    /// <summary>See <see cref="VideoDatasets.Names"/>.</summary>
    public string Dataset { get; init; } = "mmnist";
    /// <summary>Folder of a dataset on disk (ucf101, webvid, folder); opencv uses data/raw/opencv (fetched when missing).</summary>
    public string? Root { get; init; }
    /// <summary>Named preset: mmnist = tiny, small, srivastava; video files = tiny (8x32x32), small (16x64x64).</summary>
    public string Preset { get; init; } = "small";
    /// <summary>Overrides the preset's clip length L when set.</summary>
    public int? Frames { get; init; }
    /// <summary>Overrides the preset's frame size (H = W) when set.</summary>
    public int? Size { get; init; }
    /// <summary>Overrides the preset's channel count (1 or 3) when set.</summary>
    public int? Channels { get; init; }
    /// <summary>Number of clips for generated datasets.</summary>
    public int Count { get; init; } = 10_000;
    /// <summary>Seed of generated data and of random clip starts.</summary>
    public long Seed { get; init; }
    public MnistSplit Split { get; init; } = MnistSplit.All;
    /// <summary>Video files: take every Stride-th frame.</summary>
    public int? Stride { get; init; }
    /// <summary>Video files: resample to this frame rate first.</summary>
    public double? Fps { get; init; }
    public ClipStart? Start { get; init; }
    /// <summary>Start = First: the frame clips start at.</summary>
    public int? FixedStart { get; init; }
    public int? ClipsPerVideo { get; init; }
    public BadVideoPolicy OnBadVideo { get; init; } = BadVideoPolicy.Skip;
    public VideoValidation? Validation { get; init; }
    /// <summary>UCF-101 split number (1-3).</summary>
    public int UcfSplit { get; init; } = 1;
    /// <summary>When set, clips are decoded once into safetensors shards here and read back from them (rebuilt when the options change).</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Identity of the clips these options give (everything except the cache folder): a cache built with another key is rebuilt.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string CacheKey => System.Text.Json.JsonSerializer.Serialize(this with { CacheDirectory = null });

    /// <summary>The clip sampling these options describe for file-backed datasets.</summary>
    public ClipSampling Sampling(VideoValidation defaultValidation = VideoValidation.Probe)
    {
        var s = ClipSampling.Preset(Preset);
        var d = s.Decode;
        if (Size is int size) d = d with { Height = size, Width = size };
        if (Channels is int c) d = d with { Channels = c };
        if (Stride is int stride) d = d with { Stride = stride };
        if (Fps is double fps) d = d with { Fps = fps };
        s = s with { Decode = d, Seed = Seed, OnBadVideo = OnBadVideo, Validation = Validation ?? defaultValidation };
        if (Frames is int l) s = s with { Frames = l };
        if (Start is ClipStart start) s = s with { Start = start };
        if (ClipsPerVideo is int k) s = s with { ClipsPerVideo = k };
        if (FixedStart is int f) s = s with { FixedStart = f };
        if (s.Start == ClipStart.Random && s.ClipsPerVideo == 0) s = s with { ClipsPerVideo = 1 };
        return s;
    }
}

/// <summary>Opens a dataset by name, for the CLI and notebooks.</summary>
public static class VideoDatasets
{
    public static IReadOnlyList<string> Names => ["mmnist", "opencv", "ucf101", "webvid", "folder"];

    /// <summary>Opens the dataset; with <see cref="DatasetOptions.CacheDirectory"/> set, through the clip cache (built on first use).</summary>
    public static IVideoDataset Open(DatasetOptions options, Action<int, int>? cacheProgress = null) =>
        options.CacheDirectory is string cache
            ? ClipCache.OpenOrBuild(cache, options.CacheKey, () => OpenUncached(options), progress: cacheProgress)
            : OpenUncached(options);

    public static IVideoDataset OpenUncached(DatasetOptions options) => options.Dataset.ToLowerInvariant() switch
    {
        "mmnist" or "moving-mnist" => OpenMovingMnist(options),
        "opencv" => OpenCv(options),
        "ucf101" or "ucf" => Ucf101.Open(RootOf(options), options.Sampling(), options.UcfSplit),
        "webvid" => WebVid.Open(RootOf(options), options.Sampling()),
        "folder" => VideoFolder.Open(RootOf(options), options.Sampling()),
        _ => throw new ArgumentException($"unknown dataset '{options.Dataset}' (known: {string.Join(", ", Names)})"),
    };

    static string RootOf(DatasetOptions o) =>
        o.Root ?? throw new ArgumentException($"dataset {o.Dataset} needs a root folder (--root)");

    static MovingMnist OpenMovingMnist(DatasetOptions o)
    {
        var config = MovingMnistConfig.Preset(o.Preset);
        if (o.Frames is int l) config = config with { Frames = l };
        if (o.Size is int s) config = config with { Size = s };
        if (o.Channels is int c) config = config with { Channels = c };
        config = config with { Split = o.Split };
        return new MovingMnist(config, o.Count, o.Seed);
    }

    /// <summary>
    /// The real videos of Debian's opencv-doc (vtest, Megamind, Megamind_bugy, tree, box, cup), cut into many clips.
    /// Decode validation by default (a few seconds): Megamind_bugy.avi is reported and skipped for its corrupted frames.
    /// </summary>
    public static VideoFileDataset OpenCv(DatasetOptions o)
    {
        string dir = o.Root ?? OpenCvVideos.Ensure();
        var entries = OpenCvVideos.Files.Select(f => new VideoEntry(Path.Combine(dir, f), -1, "")).ToList();
        return new VideoFileDataset("opencv", entries, [], o.Sampling(VideoValidation.Decode));
    }
}
