using System.Text.Json;
using System.Text;
using static TorchSharp.torch;

namespace Cmd.IO;

/// <summary>Reads and writes safetensors files (https://github.com/huggingface/safetensors format).</summary>
public static class SafeTensors
{
    public static Dictionary<string, Tensor> Load(string path) => SafeTensorsFile.Open(path).ReadAll();

    public static IReadOnlyDictionary<string, string> LoadMetadata(string path) => SafeTensorsFile.Open(path).Metadata;

    /// <summary>
    /// Writes tensors (moved to CPU, made contiguous) with optional string metadata and the workbench checksum
    /// (<see cref="SafeTensorsChecksum"/>), atomically: a temp file beside the target, then a rename.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var cpu = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous());
        try
        {
            var entries = Entries(cpu);
            var meta = (metadata ?? new Dictionary<string, string>()).Where(kv => kv.Key != SafeTensorsChecksum.Key)
                .ToDictionary(kv => kv.Key, kv => kv.Value);
            using (var checksum = new SafeTensorsChecksum(entries, meta))
            {
                foreach (var t in cpu.Values) if (t.numel() > 0) checksum.Append(t.bytes);
                meta[SafeTensorsChecksum.Key] = SafeTensorsChecksum.Value(checksum.Hex());
            }
            var header = BuildHeader(entries, meta);
            string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            Directory.CreateDirectory(directory);
            string temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
            using (var stream = File.Create(temp))
            {
                stream.Write(BitConverter.GetBytes((ulong)header.Length));
                stream.Write(header);
                foreach (var t in cpu.Values) if (t.numel() > 0) stream.Write(t.bytes);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            foreach (var (key, t) in cpu) if (!ReferenceEquals(t, tensors[key])) t.Dispose();
        }
    }

    /// <summary>Temp files (<c>.name.pid.tmp</c>) that a killed <see cref="Save"/> left in <paramref name="directory"/>; returns their names.</summary>
    public static IReadOnlyList<string> RemoveStaleTemps(string directory)
    {
        if (!Directory.Exists(directory)) return [];
        var removed = new List<string>();
        foreach (var f in Directory.GetFiles(directory, ".*.tmp"))
        {
            try { File.Delete(f); removed.Add(System.IO.Path.GetFileName(f)); }
            catch (IOException) { }
        }
        return removed;
    }

    static List<SafeTensorEntry> Entries(Dictionary<string, Tensor> tensors)
    {
        var entries = new List<SafeTensorEntry>();
        long offset = 0;
        foreach (var (name, t) in tensors)
        {
            long size = t.numel() * t.ElementSize;
            entries.Add(new SafeTensorEntry(name, SafeDType.FromScalarType(t.dtype), t.shape, offset, offset + size));
            offset += size;
        }
        return entries;
    }

    static byte[] BuildHeader(List<SafeTensorEntry> entries, Dictionary<string, string> metadata)
    {
        var root = new Dictionary<string, object>();
        if (metadata is { Count: > 0 }) root["__metadata__"] = metadata;
        foreach (var e in entries)
            root[e.Name] = new { dtype = e.DType, shape = e.Shape, data_offsets = new[] { e.Begin, e.End } };
        var json = JsonSerializer.Serialize(root);
        int padding = (8 - Encoding.UTF8.GetByteCount(json) % 8) % 8; // align the data section to 8 bytes
        return Encoding.UTF8.GetBytes(json + new string(' ', padding));
    }
}
