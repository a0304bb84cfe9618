using System.Globalization;
using System.Text.Json;
using Cmd.IO;
using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>
/// (content frame x̄, motion latent z, class) triples from the autoencoder's encoder: what the content and motion models
/// train on (`workbench ae encode`, <see cref="LatentEncoder"/>). One safetensors file: "content" float32 [N, C, H, W];
/// "z" float32 [N, D, L, H' + W'] (z_x then z_y on the last axis); "label" int64 [N] (-1 = no class). Metadata:
/// "kind" cmd-latent-pairs, "grid_h", "grid_w" (H', W'), and when known "captions" (JSON array), "model_config" (the
/// autoencoder's config) and "source". Files made elsewhere may name the tensors content_frame(s), motion, or zx/zy.
/// </summary>
public sealed class LatentPairs(Tensor content, Tensor z, Tensor labels, int gridH, int gridW,
    IReadOnlyList<string>? captions = null, AutoencoderConfig? autoencoder = null, string source = "") : IDisposable
{
    public const string Kind = "cmd-latent-pairs";

    public Tensor Content { get; } = content;
    public Tensor Z { get; } = z;
    public Tensor Labels { get; } = labels;
    public int GridH { get; } = gridH;
    public int GridW { get; } = gridW;
    public IReadOnlyList<string> Captions { get; } = captions ?? [];
    /// <summary>The autoencoder that encoded the pairs, when the file says.</summary>
    public AutoencoderConfig? Autoencoder { get; } = autoencoder;
    public string Source { get; } = source;
    public int Count => (int)Content.shape[0];

    /// <summary>The first <paramref name="n"/> pairs (views of these tensors; dispose them with this set, not before).</summary>
    public LatentPairs Take(int n) => new(Content[..n], Z[..n], Labels[..n], GridH, GridW, Captions.Take(n).ToList(), Autoencoder, Source);

    /// <summary>A content-frame DiT of <paramref name="model"/>'s size over these content frames.</summary>
    public DiTConfig FitContent(DiTConfig model) => model with { InChannels = (int)Content.shape[1], InputSize = (int)Content.shape[2] };

    /// <summary>A motion DiT of <paramref name="model"/>'s size over these z and content frames.</summary>
    public MotionDiTConfig FitMotion(MotionDiTConfig model) => model with
    {
        LatentChannels = (int)Z.shape[1], Frames = (int)Z.shape[2], GridHeight = GridH, GridWidth = GridW,
        ContentChannels = (int)Content.shape[1], ContentHeight = (int)Content.shape[2], ContentWidth = (int)Content.shape[3],
    };

    public void Save(string path)
    {
        var meta = new Dictionary<string, string>
        {
            ["kind"] = Kind, ["grid_h"] = Invariant(GridH), ["grid_w"] = Invariant(GridW),
            ["captions"] = JsonSerializer.Serialize(Captions), ["source"] = Source,
        };
        if (Autoencoder is not null) meta[ModelMetadata.ConfigKey] = Autoencoder.ToJson();
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["content"] = Content, ["z"] = Z, ["label"] = Labels }, meta);
    }

    public static LatentPairs Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"latent pairs file not found: {path} (make it with `workbench ae encode`)", path);
        var meta = SafeTensorsFile.Open(path).Metadata;
        var all = SafeTensors.Load(path);
        try { return FromTensors(path, all, meta); }
        finally { foreach (var t in all.Values) t.Dispose(); }
    }

    static LatentPairs FromTensors(string path, Dictionary<string, Tensor> all, IReadOnlyDictionary<string, string> meta)
    {
        Tensor Need(params string[] names) =>
            names.Select(n => all.GetValueOrDefault(n)).FirstOrDefault(t => t is not null)
            ?? throw new InvalidDataException($"{path}: no tensor named {string.Join(" or ", names)} (has: {string.Join(", ", all.Keys)})");
        var content = Need("content", "content_frame", "content_frames").to(float32);
        var z = all.ContainsKey("z") || all.ContainsKey("motion") ? Need("z", "motion").to(float32)
            : cat([Need("zx", "z_x"), Need("zy", "z_y")], -1).to(float32);
        var labels = all.ContainsKey("label") || all.ContainsKey("labels") || all.ContainsKey("class")
            ? Need("label", "labels", "class").to(int64) : zeros(content.shape[0], dtype: int64);
        if (content.dim() != 4 || z.dim() != 4 || content.shape[0] != z.shape[0] || labels.shape[0] != content.shape[0])
            throw new InvalidDataException($"{path}: expected content [N, C, H, W], z [N, D, L, H'+W'], label [N] with one N; " +
                $"got [{string.Join(", ", content.shape)}], [{string.Join(", ", z.shape)}], [{string.Join(", ", labels.shape)}]");
        int gh = meta.TryGetValue("grid_h", out var h) ? int.Parse(h, CultureInfo.InvariantCulture)
            : all.TryGetValue("zx", out var zx) ? (int)zx.shape[^1] : (int)z.shape[^1] / 2;
        var captions = meta.TryGetValue("captions", out var c) ? JsonSerializer.Deserialize<string[]>(c) ?? [] : [];
        var autoencoder = meta.TryGetValue(ModelMetadata.ConfigKey, out var json) ? AutoencoderConfig.FromJson(json) : null;
        return new LatentPairs(content, z, labels, gh, (int)z.shape[^1] - gh, captions, autoencoder, meta.GetValueOrDefault("source") ?? "");
    }

    static string Invariant(int v) => v.ToString(CultureInfo.InvariantCulture);

    public void Dispose() { Content.Dispose(); Z.Dispose(); Labels.Dispose(); }
}
