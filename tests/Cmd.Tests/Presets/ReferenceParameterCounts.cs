using System.Text.Json;
using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Presets;

namespace Cmd.Tests.Presets;

/// <summary>
/// tests/fixtures/cmd/param_counts.json, made by make_param_counts.py: each paper-size preset model's parameter count as the
/// reference code builds it (PaperAutoencoder, NVlabs/CMD's ProjectedAutoencoder, PaperMotionDiT, CubicVideoDiTStatement,
/// facebookresearch/DiT's DiT), with the sizes the script built it at. <see cref="Sizes"/> states our preset in the script's
/// terms, so a preset that moves away from the sizes the counts were made at fails by name, not by a bare count.
/// </summary>
public static class ReferenceParameterCounts
{
    /// <summary>The one reference entry that is no ModelZoo name: ucf101-pixel's autoencoder, OfficialCode variant.</summary>
    public const string OfficialPixelAutoencoder = "ae-ucf101-pixel-official";

    static readonly Lazy<JsonElement> Counts = new(() => JsonDocument.Parse(File.ReadAllText(Fixtures.Path("cmd/param_counts.json")))
        .RootElement.GetProperty("counts").Clone());

    public static IReadOnlyList<string> Models => Counts.Value.EnumerateObject().Select(p => p.Name).ToList();

    public static long Parameters(string model) => Entry(model).GetProperty("parameters").GetInt64();
    public static long Trainable(string model) => Entry(model).GetProperty("trainable").GetInt64();
    public static string Preset(string model) => Entry(model).GetProperty("preset").GetString()!;

    /// <summary>The sizes the reference model was built at, as "key=value" lines (the script's names).</summary>
    public static string ReferenceSizes(string model) => Lines(Entry(model).GetProperty("config").EnumerateObject()
        .Select(p => (p.Name, p.Value.ValueKind switch
        {
            JsonValueKind.String => p.Value.GetString()!,
            JsonValueKind.Array => string.Join("x", p.Value.EnumerateArray().Select(v => v.GetRawText())),
            JsonValueKind.Null => "none",
            _ => p.Value.GetRawText(),
        })));

    /// <summary>Our preset's sizes in the script's names (make_param_counts.py's PRESETS and builders).</summary>
    public static string Sizes(string model)
    {
        var preset = Preset(model);
        var a = RunPresets.Autoencoder(preset);
        if (model == OfficialPixelAutoencoder)
        {
            var o = a.WithVariant(AutoencoderVariant.OfficialCode);
            return Lines([("dim", $"{o.Hidden}"), ("image_size", $"{o.Height}x{o.Width}"), ("patch_size", $"{o.PatchSize}"),
                ("channels", $"{o.Channels}"), ("n_frames", $"{o.Frames}"), ("embed_dim", $"{o.LatentChannels}"),
                ("depth", $"{o.Depth}"), ("mode", o.Output == OutputActivation.ScaledSigmoid ? "pixel" : "latent")]);
        }
        if (model.StartsWith("ae-"))
            return Lines([("C", $"{a.Channels}"), ("L", $"{a.Frames}"), ("H", $"{a.Height}"), ("W", $"{a.Width}"),
                ("p", $"{a.PatchSize}"), ("Cp", $"{a.Hidden}"), ("D", $"{a.LatentChannels}"), ("depth", $"{a.Depth}"),
                ("heads", $"{a.Heads}"), ("head_dim", $"{a.HeadDim}")]);
        if (model.StartsWith("motion-"))
        {
            var m = RunPresets.Motion(preset);
            return Lines([("D", $"{m.LatentChannels}"), ("L", $"{m.Frames}"), ("Hp", $"{m.GridHeight}"), ("Wp", $"{m.GridWidth}"),
                ("C", $"{m.ContentChannels}"), ("H", $"{m.ContentHeight}"), ("W", $"{m.ContentWidth}"), ("p", $"{m.PatchSize}"),
                ("key_p", $"{m.KeyPatchSize}"), ("hidden", $"{m.HiddenSize}"), ("depth", $"{m.Depth}"), ("heads", $"{m.NumHeads}"),
                ("classes", m.Condition == MotionCondition.Class ? $"{m.NumClasses}" : "0"),
                ("text_dim", m.Condition == MotionCondition.Text ? $"{m.TextDim}" : "none")]);
        }
        if (model.StartsWith("cubic-"))
        {
            var c = RunPresets.Cubic(preset);
            return Lines([("C", $"{c.Channels}"), ("L", $"{c.Frames}"), ("H", $"{c.Height}"), ("W", $"{c.Width}"),
                ("p", $"{c.PatchSize}"), ("classes", $"{c.NumClasses}"), ("hidden", $"{c.HiddenSize}"), ("depth", $"{c.Depth}"),
                ("heads", $"{c.NumHeads}")]);
        }
        if (model.StartsWith("content-"))
        {
            var d = RunPresets.ContentDiT(preset);
            var xl = DiTConfig.Official["DiT-XL/2"];
            var isXl = d with { InputSize = xl.InputSize, InChannels = xl.InChannels, NumClasses = xl.NumClasses } == xl;
            return Lines([("model", isXl ? "DiT-XL/2" : "not DiT-XL/2"), ("classes", $"{d.NumClasses}"),
                ("input_size", $"{d.InputSize}"), ("in_channels", $"{d.InChannels}")]);
        }
        throw new ArgumentException($"param_counts.json: no sizes for model '{model}'");
    }

    /// <summary>Our model of that name, built on the meta device: the ModelZoo entry, or the OfficialCode autoencoder.</summary>
    public static long Count(string model, bool trainableOnly = false) => model == OfficialPixelAutoencoder
        ? ModelZoo.CountOnMeta(() => new CmdAutoencoder(OfficialCode(Preset(model))), trainableOnly)
        : ModelZoo.CountParameters(model, trainableOnly);

    static AutoencoderConfig OfficialCode(string preset) =>
        RunPresets.Autoencoder(preset).WithVariant(AutoencoderVariant.OfficialCode);

    static JsonElement Entry(string model) =>
        Counts.Value.TryGetProperty(model, out var e) ? e
            : throw new ArgumentException($"param_counts.json has no model '{model}'");

    static string Lines(IEnumerable<(string Key, string Value)> pairs) =>
        string.Join("\n", pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
