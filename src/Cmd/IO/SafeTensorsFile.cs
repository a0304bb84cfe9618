using System.Text.Json;
using static TorchSharp.torch;

namespace Cmd.IO;

/// <summary>One tensor's entry in a safetensors header.</summary>
public sealed record SafeTensorEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
}

/// <summary>
/// A validated safetensors file: 8-byte little-endian header length, a JSON header, then raw
/// little-endian tensor bytes. The header is untrusted: every field is checked before any data is read.
/// </summary>
public sealed class SafeTensorsFile
{
    public const long MaxHeaderBytes = 100_000_000;

    public string Path { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IReadOnlyList<SafeTensorEntry> Tensors { get; }
    readonly long dataStart;

    SafeTensorsFile(string path, Dictionary<string, string> metadata, List<SafeTensorEntry> tensors, long dataStart)
    {
        Path = path; Metadata = metadata; Tensors = tensors; this.dataStart = dataStart;
    }

    /// <summary>Reads and validates the header only.</summary>
    public static SafeTensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new SafeTensorsException(path, "file not found");
        using var stream = File.OpenRead(path);
        long fileLength = stream.Length;
        if (fileLength < 8) throw new SafeTensorsException(path, $"file is {fileLength} bytes, too short for the 8-byte header length");
        var lengthBytes = new byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > MaxHeaderBytes) throw new SafeTensorsException(path, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        if (8 + (long)headerLength > fileLength) throw new SafeTensorsException(path, $"header length {headerLength} runs past the end of the {fileLength}-byte file");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataLength = fileLength - 8 - (long)headerLength;
        var (metadata, tensors) = ParseHeader(path, header, dataLength);
        return new SafeTensorsFile(path, metadata, tensors, 8 + (long)headerLength);
    }

    static (Dictionary<string, string>, List<SafeTensorEntry>) ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e) { throw new SafeTensorsException(path, $"header is not valid JSON ({e.Message})"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new SafeTensorsException(path, "header JSON is not an object");
            var metadata = new Dictionary<string, string>();
            var tensors = new List<SafeTensorEntry>();
            var seen = new HashSet<string>();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(prop.Name)) throw new SafeTensorsException(path, $"key '{prop.Name}' appears twice in the header");
                if (prop.Name == "__metadata__") ReadMetadata(path, prop.Value, metadata);
                else tensors.Add(ReadEntry(path, prop.Name, prop.Value, dataLength));
            }
            CheckNoOverlap(path, tensors);
            return (metadata, tensors);
        }
    }

    static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new SafeTensorsException(path, "__metadata__ is not an object of strings");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String) throw new SafeTensorsException(path, $"__metadata__ value '{m.Name}' is not a string");
            metadata[m.Name] = m.Value.GetString()!;
        }
    }

    static SafeTensorEntry ReadEntry(string path, string name, JsonElement e, long dataLength)
    {
        string Bad(string what) => $"tensor '{name}': {what}";
        if (e.ValueKind != JsonValueKind.Object) throw new SafeTensorsException(path, Bad("entry is not an object"));
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw new SafeTensorsException(path, Bad("missing string 'dtype'"));
        string dtype = dt.GetString()!;
        if (!SafeDType.IsKnown(dtype)) throw new SafeTensorsException(path, Bad($"unknown dtype '{dtype}' (known: {string.Join(", ", SafeDType.Names)})"));
        if (!e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw new SafeTensorsException(path, Bad("missing array 'shape'"));
        var shape = new List<long>();
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long v) || v < 0) throw new SafeTensorsException(path, Bad($"shape entry {d} is not a non-negative integer"));
            shape.Add(v);
        }
        if (!e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new SafeTensorsException(path, Bad("'data_offsets' must be [begin, end]"));
        if (!off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new SafeTensorsException(path, Bad($"data_offsets {off} are not 0 <= begin <= end"));
        if (end > dataLength) throw new SafeTensorsException(path, Bad($"data_offsets end {end} is beyond the {dataLength}-byte data section"));
        long expected = ExpectedBytes(shape, SafeDType.ElementSize(dtype));
        if (expected != end - begin)
            throw new SafeTensorsException(path, Bad($"shape [{string.Join(", ", shape)}] of {dtype} needs {(expected < 0 ? "more than 2^63" : expected.ToString())} bytes but data_offsets give {end - begin}"));
        return new SafeTensorEntry(name, dtype, shape.ToArray(), begin, end);
    }

    static long ExpectedBytes(List<long> shape, int elementSize)
    {
        try
        {
            long n = elementSize;
            foreach (var d in shape) n = checked(n * d);
            return n;
        }
        catch (OverflowException) { return -1; }
    }

    static void CheckNoOverlap(string path, List<SafeTensorEntry> tensors)
    {
        var sorted = tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.Begin).ToList();
        for (int i = 1; i < sorted.Count; i++)
            if (sorted[i].Begin < sorted[i - 1].End)
                throw new SafeTensorsException(path, $"tensors '{sorted[i - 1].Name}' and '{sorted[i].Name}' overlap in the data section");
    }

    public SafeTensorEntry this[string name] =>
        Tensors.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");

    /// <summary>Reads one tensor onto the CPU.</summary>
    public Tensor Read(string name)
    {
        var entry = this[name];
        var tensor = empty(entry.Shape, dtype: SafeDType.ToScalarType(entry.DType));
        if (entry.ByteLength == 0) return tensor;
        using var stream = File.OpenRead(Path);
        stream.Seek(dataStart + entry.Begin, SeekOrigin.Begin);
        var buffer = new byte[entry.ByteLength];
        stream.ReadExactly(buffer);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        tensor.bytes = buffer;
        return tensor;
    }

    /// <summary>Reads every tensor onto the CPU, in header order.</summary>
    public Dictionary<string, Tensor> ReadAll() => Tensors.ToDictionary(t => t.Name, t => Read(t.Name));
}
