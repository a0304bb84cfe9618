using System.Text.Json;
using Cmd.IO;
using static TorchSharp.torch;

namespace Cmd.Data;

/// <summary>
/// Videos [N, L, C, H, W] in [-1, 1] from a safetensors file (the tensor "videos", or its only tensor), with the
/// captions of its metadata "captions" (a JSON array, as the workbench's clip caches write it) when there are any.
/// What FVD and CLIPSIM read as "fake" (or real) videos; a wrong layout, dtype or value range is refused by name,
/// since uint8 [0, 255] or float [0, 1] videos would otherwise give a plausible-looking, meaningless number.
/// </summary>
public static class VideoTensorFile
{
    static readonly string[] FloatTypes = ["F64", "F32", "F16", "BF16"];

    public static (Tensor Videos, IReadOnlyList<string>? Captions) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: videos file not found", path);
        var file = SafeTensorsFile.Open(path);
        var name = file.Tensors.Any(t => t.Name == "videos") ? "videos" : file.Tensors.Count == 1 ? file.Tensors[0].Name
            : throw new ArgumentException($"{path}: expected a tensor named 'videos' [N, L, C, H, W] (or a single tensor), found {string.Join(", ", file.Tensors.Take(4).Select(t => t.Name))}{(file.Tensors.Count > 4 ? ", ..." : "")}");
        var entry = file[name];
        if (entry.Shape.Length != 5 || (entry.Shape[2] != 1 && entry.Shape[2] != 3))
            throw new ArgumentException($"{path}: '{name}' must be videos [N, L, C in (1, 3), H, W] in [-1, 1], got [{string.Join(", ", entry.Shape)}]");
        if (!FloatTypes.Contains(entry.DType))
            throw new ArgumentException($"{path}: '{name}' is {entry.DType}; videos must be floating point in [-1, 1] (uint8 [0, 255] frames: x / 127.5 - 1)");
        IReadOnlyList<string>? captions = null;
        if (file.Metadata.TryGetValue("captions", out var json))
        {
            try { captions = JsonSerializer.Deserialize<string[]>(json); }
            catch (JsonException e) { throw new InvalidDataException($"{path}: metadata 'captions' is not a JSON array of strings ({e.Message})", e); }
        }
        var videos = file.Read(name).to(ScalarType.Float32);
        double lo = videos.min().item<float>(), hi = videos.max().item<float>();
        if (lo < -1.01 || hi > 1.01 || (lo >= -0.01 && hi > 0.5))
        {
            videos.Dispose();
            string hint = lo >= -0.01 ? " (it looks like [0, 1] or [0, 255] frames: map them with x * 2 - 1 or x / 127.5 - 1)" : "";
            throw new ArgumentException($"{path}: '{name}' values span [{lo:G4}, {hi:G4}]; videos must be in [-1, 1]{hint}");
        }
        return (videos, captions);
    }
}
