using System.Globalization;
using Cmd.IO;
using Cmd.Models.Autoencoder;

namespace Cmd.Training;

/// <summary>
/// The metadata every weights file and checkpoint of the workbench carries: which model it holds ("model_kind"), the
/// model's config as JSON ("model_config"), and per kind what sampling needs (the motion model's "z_scale", the EMA
/// decay, the step the weights were taken at). The keys and kind names live here and nowhere else.
/// </summary>
public static class ModelMetadata
{
    public const string KindKey = "model_kind", ConfigKey = "model_config", ZScaleKey = "z_scale", EmaDecayKey = "ema_decay";
    /// <summary>Motion DiT: <see cref="TrainingOptions.InputScale"/> (z_scale already holds it: std(z) / input
    /// scale).</summary>
    public const string InputScaleKey = "input_scale";
    /// <summary>Motion DiT trained on z's shift channels as steps (<see cref="MotionVelocity.Format"/>); absent = z as
    /// it is, the paper.</summary>
    public const string ZVelocityKey = "z_velocity";
    /// <summary>Motion DiT conditioned on how far z moves (<see cref="MotionMagnitude"/>): its scale; absent = no
    /// such condition, the paper.</summary>
    public const string MagnitudeKey = "motion_magnitude_scale";
    /// <summary>Motion DiT trained with keypoint z's places given (<see cref="GivenPlaces.Format"/>): K; absent = it
    /// draws them, the paper.</summary>
    public const string GivenPlacesKey = "given_places";
    /// <summary>Its prior: the magnitudes of training clips that sampling without real z draws from.</summary>
    public const string MagnitudePriorKey = "motion_magnitude_prior";
    public const string StepKey = "step";
    /// <summary>How the float32 products of the run that wrote it were computed: "ieee" or "bf16"
    /// (<see cref="Runtime.MatmulPrecision"/>).</summary>
    public const string Fp32MatmulKey = "fp32_matmul";
    /// <summary>Weights that are the mean of other files' (<see cref="WeightAverage"/>): their names.</summary>
    public const string AveragedFromKey = "averaged_from";

    public const string Autoencoder = "cmd-autoencoder";
    public const string Content = "cmd-content-dit";
    public const string Motion = "cmd-motion-dit";
    public const string Cubic = "cmd-cubic-dit";

    /// <summary>Beside a diffusion run's checkpoint: the EMA weights (plain state dict with the run's metadata).</summary>
    public const string EmaFileName = "ema.safetensors";

    public static Dictionary<string, string> For(string kind, string configJson) => new() { [KindKey] = kind, [ConfigKey] = configJson };

    /// <summary>The config JSON of a file holding a model of <paramref name="kind"/>; a clear error naming the file otherwise.</summary>
    public static string ReadConfig(string path, string kind)
    {
        bool ae = kind == Autoencoder;
        if (!File.Exists(path)) throw new FileNotFoundException($"{(ae ? "checkpoint" : "model file")} not found: {path}", path);
        var meta = SafeTensorsFile.Open(path).Metadata;
        if (!meta.TryGetValue(KindKey, out var found) || found != kind || !meta.TryGetValue(ConfigKey, out var json))
            throw new InvalidDataException($"{path}: not a {(ae ? "CMD autoencoder checkpoint" : kind + " file")} " +
                                           $"(metadata {KindKey} is '{found ?? "missing"}', expected '{kind}')");
        return json;
    }

    /// <summary>The autoencoder config stored in a checkpoint's (or weights file's) metadata.</summary>
    public static AutoencoderConfig ReadAutoencoderConfig(string path)
    {
        var json = ReadConfig(path, Autoencoder);
        try { return AutoencoderConfig.FromJson(json); }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: bad {ConfigKey} in metadata: {e.Message}");
        }
    }

    /// <summary>The kind a file declares, or "missing".</summary>
    public static string KindOf(string path) => SafeTensorsFile.Open(path).Metadata.GetValueOrDefault(KindKey) ?? "missing";

    public static float ZScale(IReadOnlyDictionary<string, string> meta) =>
        meta.TryGetValue(ZScaleKey, out var s) ? float.Parse(s, CultureInfo.InvariantCulture) : 1f;

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
