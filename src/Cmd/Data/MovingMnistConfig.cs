namespace Cmd.Data;

/// <summary>
/// Moving MNIST (Srivastava et al. 2015): <see cref="Digits"/> real MNIST digits bounce inside a
/// <see cref="Size"/> x <see cref="Size"/> frame for <see cref="Frames"/> frames. Speeds are in pixels per frame,
/// drawn uniformly in [<see cref="SpeedMin"/>, <see cref="SpeedMax"/>] with a uniform random direction.
/// </summary>
public sealed record MovingMnistConfig
{
    /// <summary>Clip length L.</summary>
    public int Frames { get; init; } = 16;
    /// <summary>Frame height = width.</summary>
    public int Size { get; init; } = 64;
    /// <summary>Side of a digit in the frame (MNIST digits are 28; other sizes are area-resampled).</summary>
    public int DigitSize { get; init; } = 28;
    public int Digits { get; init; } = 2;
    public double SpeedMin { get; init; } = 2.0;
    public double SpeedMax { get; init; } = 4.0;
    /// <summary>1 (grey) or 3 (grey replicated to RGB, for models that expect colour input).</summary>
    public int Channels { get; init; } = 1;
    /// <summary>Which digits are drawn: all, or the per-class 90% train / 10% test split (held-out evaluation).</summary>
    public MnistSplit Split { get; init; } = MnistSplit.All;

    /// <summary>Tests: 8 frames of 32x32, 14-pixel digits.</summary>
    public static MovingMnistConfig Tiny => new() { Frames = 8, Size = 32, DigitSize = 14, SpeedMin = 1, SpeedMax = 2 };
    /// <summary>Notebooks and CPU training: 16 frames of 64x64, two 28-pixel digits.</summary>
    public static MovingMnistConfig Small => new();
    /// <summary>The original setting of Srivastava et al. (20 frames, 64x64, 2 digits, step 0.1 of the 36-pixel range = 3.6 px/frame).</summary>
    public static MovingMnistConfig Srivastava => new() { Frames = 20, SpeedMin = 3.6, SpeedMax = 3.6 };

    public static IReadOnlyList<string> PresetNames => ["tiny", "small", "srivastava"];

    public static MovingMnistConfig Preset(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "small" => Small,
        "srivastava" or "standard" => Srivastava,
        _ => throw new ArgumentException($"unknown Moving MNIST preset '{name}' (known: {string.Join(", ", PresetNames)})"),
    };

    public VideoShape Shape => new(Frames, Channels, Size, Size);

    /// <summary>Throws an ArgumentException naming the first bad option.</summary>
    public MovingMnistConfig Validate()
    {
        if (Frames < 1) throw new ArgumentException($"Moving MNIST: Frames must be >= 1 (got {Frames})");
        if (DigitSize < 1) throw new ArgumentException($"Moving MNIST: DigitSize must be >= 1 (got {DigitSize})");
        if (Size < DigitSize) throw new ArgumentException($"Moving MNIST: Size {Size} is smaller than DigitSize {DigitSize}");
        if (Digits < 1) throw new ArgumentException($"Moving MNIST: Digits must be >= 1 (got {Digits})");
        if (SpeedMin < 0 || SpeedMax < SpeedMin) throw new ArgumentException($"Moving MNIST: need 0 <= SpeedMin <= SpeedMax (got {SpeedMin}, {SpeedMax})");
        if (Channels is not (1 or 3)) throw new ArgumentException($"Moving MNIST: Channels must be 1 or 3 (got {Channels})");
        return this;
    }
}
