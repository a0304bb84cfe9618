using System.Text.Json;
using Cmd.Data;

namespace Cmd.Pipeline;

/// <summary>
/// The trained `small` models that ship with the workbench in data/weights/small/ (PyTorch key names, config in the
/// metadata, float16: the loaders upcast; how they were trained is in that folder's README). `workbench sample` and
/// `make demo` use them when no run is given; training continues from them with --init.
/// </summary>
public sealed record ShippedWeights(string Folder)
{
    public static ShippedWeights Small => new(Path.Combine(RepoData.DataDirectory, "weights", "small"));

    public string Autoencoder => Path.Combine(Folder, "autoencoder.safetensors");
    public string Content => Path.Combine(Folder, "content.safetensors");
    public string Motion => Path.Combine(Folder, "motion.safetensors");

    public string Sampling => Path.Combine(Folder, "sampling.json");

    public bool Available => File.Exists(Autoencoder) && File.Exists(Content) && File.Exists(Motion);

    /// <summary>The content model's classifier-free guidance scale this set was tuned for (sampling.json, "cfg_scale"); the
    /// paper's 4.0 when the file is absent.</summary>
    public double CfgScale => Read(root =>
    {
        var scale = root.GetProperty("cfg_scale").GetDouble();
        if (scale < 1 || double.IsNaN(scale)) throw new FormatException($"cfg_scale must be >= 1 (got {scale})");
        return scale;
    }, CmdSampler.DefaultCfgScale);

    /// <summary>The content model's sampler this set was tuned for (sampling.json, "content_sampler": "ddim" or "ddpm");
    /// the paper's DDIM when absent.</summary>
    public DiffusionSampler ContentSampler => Read(root => root.TryGetProperty("content_sampler", out var a)
        ? Named<DiffusionSampler>(a.GetString()!) : DiffusionSampler.Ddim, DiffusionSampler.Ddim);

    /// <summary>The content sampler's steps (sampling.json, "content_steps" >= 1); the paper's 50 when absent.</summary>
    public int ContentSteps => Read(root =>
    {
        if (!root.TryGetProperty("content_steps", out var a)) return CmdSampler.DefaultContentSteps;
        int steps = a.GetInt32();
        return steps >= 1 ? steps : throw new FormatException($"content_steps must be >= 1 (got {steps})");
    }, CmdSampler.DefaultContentSteps);

    /// <summary>The timesteps at which the content model is guided (sampling.json, "cfg_interval": [low, high],
    /// <see cref="GuidanceInterval"/>); every step when absent.</summary>
    public GuidanceInterval CfgInterval => Read(root => root.TryGetProperty("cfg_interval", out var a)
        ? new GuidanceInterval(a[0].GetInt32(), a[1].GetInt32()).Validate() : GuidanceInterval.Always, GuidanceInterval.Always);

    /// <summary>How this set's motion latents are anchored at x̄'s frame (<see cref="KeypointAnchor"/>; sampling.json,
    /// "anchor": "off", "final" or "denoised", true as final, false as off; off when absent).</summary>
    public MotionAnchor Anchor => Read(root => !root.TryGetProperty("anchor", out var a) ? MotionAnchor.Off
        : a.ValueKind == JsonValueKind.String ? Named<MotionAnchor>(a.GetString()!)
        : a.GetBoolean() ? MotionAnchor.Final : MotionAnchor.Off, MotionAnchor.Off);

    /// <summary>How <paramref name="motion"/> is anchored unless told: as <see cref="Anchor"/> when it is this set's
    /// motion DiT, off for any other.</summary>
    public MotionAnchor AnchorFor(string motion) =>
        Path.GetFullPath(motion) == Path.GetFullPath(Motion) ? Anchor : MotionAnchor.Off;

    /// <summary>The member of <typeparamref name="T"/> so named (any case); numbers, which Enum.Parse would take
    /// as members that do not exist, are refused.</summary>
    static T Named<T>(string name) where T : struct, Enum =>
        Enum.GetNames<T>().FirstOrDefault(n => n.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } found
            ? Enum.Parse<T>(found) : throw new FormatException($"'{name}' is not one of {string.Join(", ", Enum.GetNames<T>())}");

    T Read<T>(Func<JsonElement, T> setting, T absent)
    {
        if (!File.Exists(Sampling)) return absent;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Sampling));
            return setting(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException
                                  or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{Sampling}: not a sampling file with a number \"cfg_scale\" >= 1 and an " +
                $"optional \"anchor\" (true, false, \"off\", \"final\" or \"denoised\"), \"content_sampler\" (\"ddim\" or " +
                $"\"ddpm\") and \"content_steps\" (>= 1), \"cfg_interval\" ([low, high]) " +
                $"({e.Message})");
        }
    }
}
