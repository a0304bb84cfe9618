using Cmd.IO;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>(content frame, motion latent, class) triples from the autoencoder's encoder: what the content and motion models train on.
/// File: safetensors with "content" [N, C, H, W], "z" [N, D, L, H'+W'] (z_x first), "label" int64 [N]; metadata grid_h, grid_w.</summary>
public sealed class LatentPairs(Tensor content, Tensor z, Tensor labels, int gridH, int gridW) : IDisposable
{
    public Tensor Content { get; } = content;
    public Tensor Z { get; } = z;
    public Tensor Labels { get; } = labels;
    public int GridH { get; } = gridH;
    public int GridW { get; } = gridW;
    public long Count => Content.shape[0];

    public void Save(string path) => SafeTensors.Save(path,
        new Dictionary<string, Tensor> { ["content"] = Content, ["z"] = Z, ["label"] = Labels },
        new Dictionary<string, string> { ["kind"] = "cmd-latent-pairs", ["grid_h"] = GridH.ToString(), ["grid_w"] = GridW.ToString() });

    public static LatentPairs Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"latent pairs file not found: {path} (make it with `workbench ae encode`)", path);
        var file = SafeTensorsFile.Open(path);
        var all = SafeTensors.Load(path);
        Tensor Need(params string[] names) =>
            names.Select(n => all.GetValueOrDefault(n)).FirstOrDefault(t => t is not null)
            ?? throw new InvalidDataException($"{path}: no tensor named {string.Join(" or ", names)} (has: {string.Join(", ", all.Keys)})");
        var content = Need("content", "content_frame", "content_frames").to(float32);
        Tensor z;
        if (all.ContainsKey("z") || all.ContainsKey("motion")) z = Need("z", "motion").to(float32);
        else z = cat([Need("zx", "z_x"), Need("zy", "z_y")], -1).to(float32);
        var labels = all.ContainsKey("label") || all.ContainsKey("labels") || all.ContainsKey("class")
            ? Need("label", "labels", "class").to(int64) : zeros(content.shape[0], dtype: int64);
        if (content.dim() != 4 || z.dim() != 4 || content.shape[0] != z.shape[0] || labels.shape[0] != content.shape[0])
            throw new InvalidDataException($"{path}: expected content [N, C, H, W], z [N, D, L, H'+W'], label [N] with one N; got [{string.Join(", ", content.shape)}], [{string.Join(", ", z.shape)}], [{string.Join(", ", labels.shape)}]");
        var meta = file.Metadata;
        int gh = meta.TryGetValue("grid_h", out var h) ? int.Parse(h) : all.TryGetValue("zx", out var zx) ? (int)zx.shape[^1] : (int)z.shape[^1] / 2;
        int gw = (int)z.shape[^1] - gh;
        return new LatentPairs(content, z, labels, gh, gw);
    }

    public void Dispose() { Content.Dispose(); Z.Dispose(); Labels.Dispose(); }
}
