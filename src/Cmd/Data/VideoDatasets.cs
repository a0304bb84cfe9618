namespace Cmd.Data;

/// <summary>What to open with <see cref="VideoDatasets.Open"/>: a dataset kind and the options that apply to it.</summary>
public sealed record DatasetOptions
{
    /// <summary>"mmnist" (Moving MNIST).</summary>
    public string Dataset { get; init; } = "mmnist";
    /// <summary>Named preset of the dataset's config (mmnist: tiny, small, srivastava).</summary>
    public string Preset { get; init; } = "small";
    /// <summary>Overrides the preset's clip length L when set.</summary>
    public int? Frames { get; init; }
    /// <summary>Overrides the preset's frame size (H = W) when set.</summary>
    public int? Size { get; init; }
    /// <summary>Overrides the preset's channel count (1 or 3) when set.</summary>
    public int? Channels { get; init; }
    /// <summary>Number of clips for generated datasets.</summary>
    public int Count { get; init; } = 10_000;
    public long Seed { get; init; }
    public MnistSplit Split { get; init; } = MnistSplit.All;
}

/// <summary>Opens a dataset by name, for the CLI and notebooks.</summary>
public static class VideoDatasets
{
    public static IReadOnlyList<string> Names => ["mmnist"];

    public static IVideoDataset Open(DatasetOptions options) => options.Dataset.ToLowerInvariant() switch
    {
        "mmnist" or "moving-mnist" => OpenMovingMnist(options),
        _ => throw new ArgumentException($"unknown dataset '{options.Dataset}' (known: {string.Join(", ", Names)})"),
    };

    static MovingMnist OpenMovingMnist(DatasetOptions o)
    {
        var config = MovingMnistConfig.Preset(o.Preset);
        if (o.Frames is int l) config = config with { Frames = l };
        if (o.Size is int s) config = config with { Size = s };
        if (o.Channels is int c) config = config with { Channels = c };
        config = config with { Split = o.Split };
        return new MovingMnist(config, o.Count, o.Seed);
    }
}
