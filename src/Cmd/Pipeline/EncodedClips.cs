using System.Text.Json;
using Cmd.IO;
using static TorchSharp.torch;
using Cmd.Models.Autoencoder;

namespace Cmd.Pipeline;

/// <summary>
/// (content frame, motion latent) pairs written by `workbench ae encode` for the diffusion models (read by
/// Cmd.Pipeline.LatentPairs.Load, same keys). One
/// safetensors file: "content" float32 [N, C, H, W] in (about) [-1, 1]; "z" float32 [N, D, L, H' + W'] (z_x then
/// z_y on the last axis); "label" int64 [N] (-1 = no class). Metadata: "captions" (JSON string array),
/// "model_config" (the autoencoder's config JSON), "grid_h", "grid_w" (H', W'), "source" (dataset description).
/// </summary>
public sealed record EncodedClips(Tensor Content, Tensor Z, Tensor Label, IReadOnlyList<string> Captions, AutoencoderConfig Config, string Source) : IDisposable
{
    public const string ContentKey = "content", ZKey = "z", LabelKey = "label";

    public int Count => (int)Content.shape[0];

    public void Save(string path) => SafeTensors.Save(path,
        new Dictionary<string, Tensor> { [ContentKey] = Content, [ZKey] = Z, [LabelKey] = Label },
        new Dictionary<string, string>
        {
            ["captions"] = JsonSerializer.Serialize(Captions), ["model_config"] = Config.ToJson(),
            ["grid_h"] = Config.GridHeight.ToString(), ["grid_w"] = Config.GridWidth.ToString(), ["source"] = Source, ["kind"] = "cmd-latent-pairs",
        });

    public static EncodedClips Load(string path)
    {
        var file = SafeTensorsFile.Open(path);
        foreach (var k in new[] { ContentKey, ZKey, LabelKey })
            if (!file.Tensors.Any(t => t.Name == k)) throw new InvalidDataException($"{path}: not a latent-pairs file (no tensor '{k}')");
        if (!file.Metadata.TryGetValue("model_config", out var cfg)) throw new InvalidDataException($"{path}: no model_config in metadata");
        var captions = file.Metadata.TryGetValue("captions", out var c) ? JsonSerializer.Deserialize<string[]>(c) ?? [] : [];
        var pairs = new EncodedClips(file.Read(ContentKey), file.Read(ZKey), file.Read(LabelKey), captions, AutoencoderConfig.FromJson(cfg),
            file.Metadata.TryGetValue("source", out var s) ? s : "");
        if (pairs.Z.shape[0] != pairs.Count || pairs.Label.shape[0] != pairs.Count)
            throw new InvalidDataException($"{path}: content, z and label disagree on the number of pairs");
        return pairs;
    }

    public void Dispose() { Content.Dispose(); Z.Dispose(); Label.Dispose(); }
}
