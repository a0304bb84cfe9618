using System.Text.Json;
using Cmd.IO;
using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>A trained diffusion model with what sampling needs from its file's metadata.</summary>
public sealed record LoadedDiffusionModel<T>(T Model, IReadOnlyDictionary<string, string> Metadata, string Path) where T : nn.Module
{
    /// <summary>The motion model trains on z / z_scale; samples are multiplied back (1 for other models).</summary>
    public float ZScale => ModelMetadata.ZScale(Metadata);

    /// <summary>The motion model's z form when it learned shifts as steps (workbench switch); null: z as it is.</summary>
    public MotionVelocity? Velocity => MotionVelocity.Parse(Metadata.GetValueOrDefault(ModelMetadata.ZVelocityKey));

    /// <summary>The motion model's given places (workbench switch: trained on the shifts with the places given); null:
    /// it draws them.</summary>
    public GivenPlaces? GivenPlaces =>
        Training.GivenPlaces.Parse(Metadata.GetValueOrDefault(ModelMetadata.GivenPlacesKey));

    /// <summary>The scale of the motion model's magnitude condition (workbench switch); null: none.</summary>
    public MotionMagnitude? Magnitude => MotionMagnitude.Parse(Metadata.GetValueOrDefault(ModelMetadata.MagnitudeKey));

    /// <summary>Magnitudes [n, 2D] for sampling without real z: rows of the training clips' prior, drawn at random.
    /// </summary>
    public Tensor DrawMagnitudes(long n, int inputs)
    {
        var text = Metadata.GetValueOrDefault(ModelMetadata.MagnitudePriorKey) ?? throw new InvalidDataException(
            $"{Path}: a motion DiT with a magnitude condition but no \"{ModelMetadata.MagnitudePriorKey}\" " +
            "to sample from");
        using var prior = MotionMagnitude.ParsePrior(text, inputs);
        using var rows = torch.randint(0, prior.shape[0], [n], dtype: torch.int64);
        return prior.index_select(0, rows);
    }
}

/// <summary>
/// Loads the workbench's models from run folders (checkpoint.safetensors, ema.safetensors) or weights files (exported,
/// shipped, converted from PyTorch), building each from the config in the file's metadata. Models come back in eval mode.
/// </summary>
public static class ModelStore
{
    /// <summary>The autoencoder a checkpoint or weights file describes, with its weights ("model." keys or plain).</summary>
    public static CmdAutoencoder LoadAutoencoder(string path, Device? device = null)
    {
        var model = new CmdAutoencoder(ModelMetadata.ReadAutoencoderConfig(path));
        TrainingCheckpoint.LoadWeights(model, path);
        return Ready(model, device);
    }

    /// <param name="preferEma">true: the run's ema.safetensors; false: its trained weights; null: <see cref="EmaPolicy"/>.</param>
    public static LoadedDiffusionModel<DiT> LoadContent(string path, Device? device = null, bool? preferEma = null) =>
        Load(path, ModelMetadata.Content, json => new DiT(JsonSerializer.Deserialize<DiTConfig>(json)!), device, preferEma);

    public static LoadedDiffusionModel<MotionDiT> LoadMotion(string path, Device? device = null, bool? preferEma = null)
    {
        var loaded = Load(path, ModelMetadata.Motion, json => new MotionDiT(MotionDiTConfig.FromJson(json)), device,
            preferEma);
        if (loaded.Model.Config.MagnitudeCondition && loaded.Magnitude is null)
            throw new InvalidDataException($"{loaded.Path}: a motion DiT with a magnitude condition but no " +
                                           $"\"{ModelMetadata.MagnitudeKey}\" in its metadata");
        return loaded;
    }

    public static LoadedDiffusionModel<CubicVideoDiT> LoadCubic(string path, Device? device = null, bool? preferEma = null) =>
        Load(path, ModelMetadata.Cubic, json => new CubicVideoDiT(CubicVideoDiTConfig.FromJson(json)), device, preferEma);

    /// <summary>The file a run folder (or file) resolves to: its EMA weights when preferred and present, else its checkpoint.</summary>
    public static string Resolve(string path, bool? preferEma = null)
    {
        if (!Directory.Exists(path)) return path;
        var ema = System.IO.Path.Combine(path, ModelMetadata.EmaFileName);
        bool useEma = preferEma ?? EmaPolicy.PreferFor(path);
        return useEma && File.Exists(ema) ? ema : System.IO.Path.Combine(path, TrainingCheckpoint.FileName);
    }

    /// <summary>
    /// Writes the weights of a run folder (EMA or trained, as <paramref name="preferEma"/> or <see cref="EmaPolicy"/> says),
    /// checkpoint or weights file as a plain weights file with their config (e.g. to ship, or to load in PyTorch);
    /// returns the file the weights came from.
    /// </summary>
    public static string ExportWeights(string from, string outPath, bool? preferEma = null, ScalarType? storage = null)
    {
        var source = Resolve(from, preferEma);
        if (!File.Exists(source)) throw new FileNotFoundException($"no weights at {source}", source);
        TrainingCheckpoint.ExportWeights(source, outPath, storage);
        return source;
    }

    /// <summary>
    /// Writes the mean of several run folders', checkpoints' or weights files' weights of one model
    /// (<see cref="WeightAverage"/>; each folder's EMA or trained weights as <see cref="Resolve"/> picks); returns the
    /// files averaged.
    /// </summary>
    public static IReadOnlyList<string> AverageWeights(IReadOnlyList<string> from, string outPath, bool? preferEma = null,
        ScalarType? storage = null)
    {
        var sources = from.Select(f => Resolve(f, preferEma)).ToList();
        WeightAverage.Write(sources, outPath, storage);
        return sources;
    }

    static LoadedDiffusionModel<T> Load<T>(string path, string kind, Func<string, T> build, Device? device, bool? preferEma) where T : nn.Module
    {
        string file = Resolve(path, preferEma);
        var model = build(ModelMetadata.ReadConfig(file, kind));
        TrainingCheckpoint.LoadWeights(model, file);
        return new LoadedDiffusionModel<T>(Ready(model, device), SafeTensorsFile.Open(file).Metadata, file);
    }

    static T Ready<T>(T model, Device? device) where T : nn.Module
    {
        if (device is not null) model.to(device);
        model.eval();
        return model;
    }
}
