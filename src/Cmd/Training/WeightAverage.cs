using Cmd.IO;
using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>
/// The mean of several weights files of one model, e.g. one run's EMA snapshots kept 1,000 steps apart: a longer
/// average after the fact (stochastic weight averaging, Izmailov et al. 2018). A workbench tool; the paper keeps one
/// EMA. The files must be of one model (same metadata but their checksum, same tensors and shapes); floating tensors
/// are averaged in float32 and stored as the first file stores them, others must agree.
/// </summary>
public static class WeightAverage
{
    /// <summary>Metadata a snapshot may carry of its own: what differs between files of one model.</summary>
    static readonly string[] PerFile = ["training", "format", ModelMetadata.StepKey, ModelMetadata.Fp32MatmulKey];

    /// <summary>Writes the average of <paramref name="sources"/> (weights files or checkpoints) to
    /// <paramref name="outPath"/>, its metadata the first file's and <see cref="ModelMetadata.AveragedFromKey"/>;
    /// floating tensors stored as <paramref name="storage"/> says (default: as the first file stores them).</summary>
    public static void Write(IReadOnlyList<string> sources, string outPath, ScalarType? storage = null)
    {
        if (sources.Count < 2) throw new ArgumentException("an average needs at least 2 weights files");
        TrainingCheckpoint.CheckStorage(storage);
        var first = SafeTensorsFile.Open(sources[0]);
        var meta = Shared(first.Metadata);
        Dictionary<string, Tensor>? sum = null;
        var dtypes = new Dictionary<string, ScalarType>();
        try
        {
            foreach (var path in sources)
            {
                if (path != sources[0]) SameModel(path, meta, sources[0]);
                using var scope = NewDisposeScope();
                var weights = Weights(path);
                if (sum is null)
                {
                    foreach (var (k, t) in weights) dtypes[k] = t.dtype;
                    sum = weights.ToDictionary(kv => kv.Key, kv => Floating(kv.Value).MoveToOuterDisposeScope());
                }
                else Add(sum, weights, path, sources[0]);
            }
            using var mean = NewDisposeScope();
            var averaged = sum!.ToDictionary(kv => kv.Key,
                kv => kv.Value.is_floating_point() ? (kv.Value / sources.Count).to(storage ?? dtypes[kv.Key]) : kv.Value);
            meta[ModelMetadata.AveragedFromKey] = string.Join(", ", sources.Select(Path.GetFileName));
            SafeTensors.Save(outPath, averaged, meta);
        }
        finally { if (sum is not null) foreach (var t in sum.Values) t.Dispose(); }
    }

    static Dictionary<string, string> Shared(IReadOnlyDictionary<string, string> metadata) =>
        metadata.Where(kv => !PerFile.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);

    static void SameModel(string path, IReadOnlyDictionary<string, string> meta, string first)
    {
        var other = Shared(SafeTensorsFile.Open(path).Metadata);
        var differs = meta.Keys.Union(other.Keys)
            .FirstOrDefault(k => meta.GetValueOrDefault(k) != other.GetValueOrDefault(k));
        if (differs is not null)
            throw new InvalidDataException($"{path}: its metadata \"{differs}\" differs from {first}'s: " +
                                           "not weights of one model");
    }

    /// <summary>The model tensors of a weights file or checkpoint (a checkpoint's "model." prefix dropped).</summary>
    static IReadOnlyDictionary<string, Tensor> Weights(string path)
    {
        var model = TrainingCheckpoint.WeightsOf(SafeTensors.Load(path));
        if (model.Count == 0) throw new InvalidDataException($"{path}: no model weights in it");
        return model;
    }

    static Tensor Floating(Tensor t) => t.is_floating_point() ? t.to(float32) : t.clone();

    static void Add(Dictionary<string, Tensor> sum, IReadOnlyDictionary<string, Tensor> weights, string path,
        string first)
    {
        var missing = sum.Keys.Except(weights.Keys).Concat(weights.Keys.Except(sum.Keys)).FirstOrDefault();
        if (missing is not null)
            throw new InvalidDataException($"{path}: tensor \"{missing}\" is in one of it and {first}, not both");
        foreach (var (k, t) in weights)
        {
            if (!t.shape.SequenceEqual(sum[k].shape))
                throw new InvalidDataException($"{path}: \"{k}\" is [{string.Join(", ", t.shape)}], " +
                                               $"[{string.Join(", ", sum[k].shape)}] in {first}");
            if (sum[k].is_floating_point()) sum[k].add_(t.to(float32));
            else if (!sum[k].equal(t).all().item<bool>())
                throw new InvalidDataException($"{path}: \"{k}\" (not floating) differs from {first}'s");
        }
    }
}
