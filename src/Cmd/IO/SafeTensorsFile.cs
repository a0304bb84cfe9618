using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Cmd.IO;

/// <summary>One tensor's entry in a safetensors header.</summary>
public sealed record SafeTensorEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
}

/// <summary>
/// A validated safetensors file: 8-byte little-endian header length, a UTF-8 JSON header, then raw little-endian
/// tensor bytes. The header is untrusted; what the format promises is checked before any data is read, as the
/// reference reader (huggingface/safetensors, <c>read_metadata</c> and <c>Metadata::validate</c>) checks it: the header
/// length is at most 100 MB and inside the file; the header is valid UTF-8 holding a JSON object; every entry has a
/// known dtype, a shape of non-negative integers and offsets [begin, end]; dtype x shape gives end - begin bytes; the
/// tensors, in offset order, tile the data section from 0 to its end with no gap, no overlap and no trailing or missing
/// byte. The reference writer pads the header to a multiple of 8 bytes, but its reader accepts any length (its test
/// <c>test_whitespace_padded_header</c> reads a 6-byte header), so this reader does too: a header length that is off
/// by a few bytes is caught by the tiling check (the data section no longer ends where the offsets say).
/// Every rejection is a <see cref="SafeTensorsException"/> naming the file and the problem.
/// </summary>
public sealed class SafeTensorsFile
{
    public const long MaxHeaderBytes = 100_000_000;
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public string Path { get; }
    /// <summary>The header's metadata, without the workbench's checksum entry.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
    /// <summary>Tensors in file (offset) order.</summary>
    public IReadOnlyList<SafeTensorEntry> Tensors { get; }
    /// <summary>The SHA-256 the writer stored (<see cref="SafeTensorsChecksum"/>), checked by <see cref="ReadAll"/>; null when absent.</summary>
    public string? Checksum { get; }
    readonly Dictionary<string, string> rawMetadata;
    readonly long dataStart;

    SafeTensorsFile(string path, Dictionary<string, string> metadata, List<SafeTensorEntry> tensors, long dataStart)
    {
        Path = path; rawMetadata = metadata; Tensors = tensors; this.dataStart = dataStart;
        Checksum = SafeTensorsChecksum.Stored(metadata, out var problem);
        if (problem is not null) throw new SafeTensorsException(path, problem);
        Metadata = metadata.Where(kv => kv.Key != SafeTensorsChecksum.Key).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    /// <summary>Reads and validates the header only.</summary>
    public static SafeTensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new SafeTensorsException(path, "file not found");
        try
        {
            using var stream = File.OpenRead(path);
            return Open(path, stream);
        }
        catch (IOException e) when (e is not EndOfStreamException) { throw new SafeTensorsException(path, $"cannot be read ({e.Message})"); }
        catch (UnauthorizedAccessException e) { throw new SafeTensorsException(path, $"cannot be read ({e.Message})"); }
    }

    static SafeTensorsFile Open(string path, FileStream stream)
    {
        long fileLength = stream.Length;
        if (fileLength < 8) throw new SafeTensorsException(path, $"file is {fileLength} bytes, too short for the 8-byte header length");
        var lengthBytes = new byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > MaxHeaderBytes) throw new SafeTensorsException(path, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        if (headerLength < 2) throw new SafeTensorsException(path, $"header length {headerLength} is too small for a JSON object");
        if (8 + (long)headerLength > fileLength) throw new SafeTensorsException(path, $"header length {headerLength} runs past the end of the {fileLength}-byte file");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataLength = fileLength - 8 - (long)headerLength;
        var (metadata, tensors) = ParseHeader(path, header, dataLength);
        return new SafeTensorsFile(path, metadata, tensors, 8 + (long)headerLength);
    }

    static (Dictionary<string, string>, List<SafeTensorEntry>) ParseHeader(string path, byte[] header, long dataLength)
    {
        string text;
        try { text = StrictUtf8.GetString(header); }
        catch (DecoderFallbackException e) { throw new SafeTensorsException(path, $"header is not valid UTF-8 (byte {e.Index} of the header)"); }
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e) { throw new SafeTensorsException(path, $"header is not valid JSON ({e.Message})"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new SafeTensorsException(path, "header JSON is not an object");
            var metadata = new Dictionary<string, string>();
            var tensors = new List<SafeTensorEntry>();
            var seen = new HashSet<string>();
            try
            {
                foreach (var prop in doc.RootElement.EnumerateObject())
                {
                    if (!seen.Add(prop.Name)) throw new SafeTensorsException(path, $"key '{prop.Name}' appears twice in the header");
                    if (prop.Name == "__metadata__") ReadMetadata(path, prop.Value, metadata);
                    else tensors.Add(ReadEntry(path, prop.Name, prop.Value));
                }
            }
            catch (InvalidOperationException e)
            {
                // System.Text.Json reads escapes lazily: "\ud800" (a lone surrogate) is valid JSON but no string
                throw new SafeTensorsException(path, $"header holds a string that is not valid Unicode ({e.Message})");
            }
            return (metadata, CheckTiling(path, tensors, dataLength));
        }
    }

    static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new SafeTensorsException(path, "__metadata__ is not an object of strings");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String) throw new SafeTensorsException(path, $"__metadata__ value '{m.Name}' is not a string");
            if (!metadata.TryAdd(m.Name, m.Value.GetString()!)) throw new SafeTensorsException(path, $"__metadata__ key '{m.Name}' appears twice");
        }
    }

    static SafeTensorEntry ReadEntry(string path, string name, JsonElement e)
    {
        SafeTensorsException Bad(string what) => new(path, $"tensor '{name}': {what}");
        if (e.ValueKind != JsonValueKind.Object) throw Bad("entry is not an object");
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw Bad("missing string 'dtype'");
        string dtype = dt.GetString()!;
        if (!SafeDType.IsKnown(dtype)) throw Bad($"unknown dtype '{dtype}' (known: {string.Join(", ", SafeDType.Names)})");
        if (!e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw Bad("missing array 'shape'");
        if (sh.GetArrayLength() > 64) throw Bad($"shape has {sh.GetArrayLength()} dimensions (at most 64)");
        var shape = new List<long>();
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long v) || v < 0) throw Bad($"shape entry {d.GetRawText()} is not a non-negative integer");
            shape.Add(v);
        }
        if (!e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad("'data_offsets' must be [begin, end]");
        if (off[0].ValueKind != JsonValueKind.Number || off[1].ValueKind != JsonValueKind.Number
            || !off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw Bad($"data_offsets {off.GetRawText()} are not integers 0 <= begin <= end");
        long expected = ExpectedBytes(shape, SafeDType.ElementSize(dtype));
        if (expected != end - begin)
            throw Bad($"shape [{string.Join(", ", shape)}] of {dtype} needs {(expected < 0 ? "more than 2^63" : expected.ToString())} bytes but data_offsets give {end - begin}");
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

    /// <summary>The tensors in offset order must cover the data section exactly: 0 to its end, no gap, no overlap.</summary>
    static List<SafeTensorEntry> CheckTiling(string path, List<SafeTensorEntry> tensors, long dataLength)
    {
        var sorted = tensors.OrderBy(t => t.Begin).ThenBy(t => t.End).ToList();
        long at = 0;
        string previous = "the start of the data section";
        foreach (var t in sorted)
        {
            if (t.Begin > at) throw new SafeTensorsException(path, $"{t.Begin - at} bytes between {previous} and tensor '{t.Name}' belong to no tensor (a gap at data offset {at})");
            if (t.Begin < at) throw new SafeTensorsException(path, $"tensor '{t.Name}' (data offsets {t.Begin}..{t.End}) overlaps {previous}, which ends at {at}");
            at = t.End;
            previous = $"tensor '{t.Name}'";
        }
        if (at > dataLength) throw new SafeTensorsException(path, $"the tensors need {at} bytes but the data section has {dataLength} (the file is truncated or its header length is wrong)");
        if (at < dataLength) throw new SafeTensorsException(path, $"{dataLength - at} trailing bytes after the last tensor (data section {dataLength} bytes, tensors {at}: bytes inserted or the header length is wrong)");
        return sorted;
    }

    public SafeTensorEntry this[string name] =>
        Tensors.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");

    /// <summary>Reads one tensor onto the CPU (the checksum, which covers the whole file, is checked by <see cref="ReadAll"/>).</summary>
    public Tensor Read(string name)
    {
        var entry = this[name];
        using var stream = File.OpenRead(Path);
        stream.Seek(dataStart + entry.Begin, SeekOrigin.Begin);
        return ReadTensor(stream, entry, null);
    }

    Tensor ReadTensor(FileStream stream, SafeTensorEntry entry, SafeTensorsChecksum? checksum)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        var tensor = empty(entry.Shape, dtype: SafeDType.ToScalarType(entry.DType));
        if (entry.ByteLength == 0) return tensor;
        try
        {
            var buffer = new byte[entry.ByteLength];
            stream.ReadExactly(buffer);
            checksum?.Append(buffer);
            tensor.bytes = buffer;
            return tensor;
        }
        catch (EndOfStreamException) { tensor.Dispose(); throw new SafeTensorsException(Path, $"file ended inside tensor '{entry.Name}' (changed while reading?)"); }
        catch { tensor.Dispose(); throw; }
    }

    /// <summary>Reads every tensor onto the CPU, in file order, and checks the workbench checksum when the file has one.</summary>
    public Dictionary<string, Tensor> ReadAll()
    {
        var result = new Dictionary<string, Tensor>();
        using var checksum = Checksum is null ? null : new SafeTensorsChecksum(Tensors, rawMetadata);
        try
        {
            using (var stream = File.OpenRead(Path))
            {
                stream.Seek(dataStart, SeekOrigin.Begin);
                foreach (var entry in Tensors) result[entry.Name] = ReadTensor(stream, entry, checksum);
            }
            if (checksum is not null && checksum.Hex() is var actual && !string.Equals(actual, Checksum, StringComparison.Ordinal))
                throw new SafeTensorsException(Path, $"checksum mismatch ({SafeTensorsChecksum.Key} says {Short(Checksum!)}, the content hashes to {Short(actual)}): the file was changed or damaged after it was written");
            return result;
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
    }

    static string Short(string hex) => hex.Length > 12 ? hex[..12] + "…" : hex;
}
