using System.Text.Json;
using System.Text;
using static TorchSharp.torch;

namespace Cmd.IO;

/// <summary>Reads and writes safetensors files (https://github.com/huggingface/safetensors format).</summary>
public static class SafeTensors
{
    public static Dictionary<string, Tensor> Load(string path) => SafeTensorsFile.Open(path).ReadAll();

    public static IReadOnlyDictionary<string, string> LoadMetadata(string path) => SafeTensorsFile.Open(path).Metadata;

    /// <summary>Writes tensors (moved to CPU, made contiguous) with optional string metadata, atomically.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var cpu = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous());
        try
        {
            var header = BuildHeader(cpu, metadata);
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

    static byte[] BuildHeader(Dictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var root = new Dictionary<string, object>();
        if (metadata is { Count: > 0 }) root["__metadata__"] = metadata;
        long offset = 0;
        foreach (var (name, t) in tensors)
        {
            long size = t.numel() * t.ElementSize;
            root[name] = new { dtype = SafeDType.FromScalarType(t.dtype), shape = t.shape, data_offsets = new[] { offset, offset + size } };
            offset += size;
        }
        var json = JsonSerializer.Serialize(root);
        int padding = (8 - Encoding.UTF8.GetByteCount(json) % 8) % 8; // align the data section to 8 bytes
        return Encoding.UTF8.GetBytes(json + new string(' ', padding));
    }
}
