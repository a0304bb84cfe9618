using Cmd.Diffusion;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>
/// Mean squared error of the predicted noise, E||eps - eps_theta(x_t, t)||^2 (the simple term of the hybrid loss), at fixed
/// timesteps over given clean samples: the per-timestep view of the training loss, to compare checkpoints (trained vs EMA
/// weights) or to see which noise levels a model has not learned yet. The same noise is drawn for every model (seeded).
/// </summary>
public static class DenoisingError
{
    public static readonly int[] DefaultTimesteps = [10, 100, 300, 500, 700, 900, 999];

    /// <param name="model">eps_theta on a batch: (x_t, t, index of the batch's samples) -> output with the eps channels first
    /// (or what <paramref name="diffusion"/> says they predict: the eps they imply is compared).</param>
    /// <param name="x0">Clean samples [N, ...] as the model was trained on them.</param>
    public static double[] ByTimestep(Func<Tensor, Tensor, Tensor, Tensor> model, Tensor x0, IReadOnlyList<int> timesteps, int batchSize = 32,
        long seed = 0, GaussianDiffusion? diffusion = null)
    {
        diffusion ??= GaussianDiffusion.Create();
        var bad = timesteps.Where(t => t < 0 || t >= diffusion.NumTimesteps).ToList();
        if (bad.Count > 0) throw new ArgumentException($"timesteps must be in [0, {diffusion.NumTimesteps - 1}] (got {string.Join(", ", bad)})");
        var result = new double[timesteps.Count];
        long n = x0.shape[0], channels = x0.shape[1];
        using var _ = no_grad();
        manual_seed(seed);
        for (int k = 0; k < timesteps.Count; k++)
        {
            double sum = 0;
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var idx = arange(start, Math.Min(n, start + batchSize), dtype: int64);
                var x = x0.index_select(0, idx);
                var t = full(idx.shape[0], timesteps[k], dtype: int64);
                var noise = randn_like(x);
                var xT = diffusion.QSample(x, t, noise);
                var output = model(xT, t, idx).narrow(1, 0, channels);
                var eps = diffusion.MeanType == ModelMeanType.Epsilon ? output
                    : diffusion.PredictEpsFromXStart(xT, t, diffusion.PredXStartFromOutput(xT, t, output));
                sum += (eps - noise).pow(2).sum().item<float>();
            }
            result[k] = sum / x0.numel();
        }
        return result;
    }

    /// <summary>The error of a content-frame DiT on the pairs' content frames (class-conditional).</summary>
    public static double[] Content(DiT model, LatentPairs pairs, IReadOnlyList<int> timesteps, int batchSize = 32, long seed = 0) =>
        ByTimestep((x, t, idx) => model.call(x, t, pairs.Labels.index_select(0, idx)), pairs.Content, timesteps, batchSize, seed,
            DiffusionTraining.ContentDiffusion(model.Config));

    /// <summary>The error of a motion DiT on the pairs' motion latents (scaled by the run's z_scale), conditioned on their content frames.</summary>
    public static double[] Motion(MotionDiT model, LatentPairs pairs, float zScale, IReadOnlyList<int> timesteps, int batchSize = 32, long seed = 0)
    {
        bool byClass = model.Config.Condition == MotionCondition.Class;
        using var z = pairs.Z / zScale;
        return ByTimestep((zt, t, idx) => model.call(zt, t, pairs.Content.index_select(0, idx), byClass ? pairs.Labels.index_select(0, idx) : null),
            z, timesteps, batchSize, seed);
    }

    /// <summary>One column of <see cref="ForRun"/>: which weights, and their error at each timestep.</summary>
    public sealed record Column(string Weights, double[] Errors);

    /// <summary>
    /// The error of a content or motion run (folder: its trained and its EMA weights side by side; file: those weights)
    /// on the first <paramref name="count"/> pairs. Returns the model kind and one column per set of weights.
    /// </summary>
    public static (string Kind, List<Column> Columns) ForRun(string path, LatentPairs pairs, int count, IReadOnlyList<int> timesteps)
    {
        using var sub = pairs.Take(Math.Min(count, pairs.Count));
        string file = ModelStore.Resolve(path, preferEma: false);
        if (!File.Exists(file)) throw new FileNotFoundException($"no weights at {file}", file);
        string kind = ModelMetadata.KindOf(file);
        bool hasEma = Directory.Exists(path) && File.Exists(Path.Combine(path, ModelMetadata.EmaFileName));
        var columns = new List<Column>();
        foreach (bool ema in hasEma ? new[] { false, true } : [false])
            columns.Add(new Column(ema ? "EMA" : "trained", kind switch
            {
                ModelMetadata.Content => Scored(ModelStore.LoadContent(path, preferEma: ema), m => Content(m.Model, sub, timesteps)),
                ModelMetadata.Motion => Scored(ModelStore.LoadMotion(path, preferEma: ema), m => Motion(m.Model, sub, m.ZScale, timesteps)),
                _ => throw new InvalidDataException($"{file}: not a content or motion DiT (model_kind '{kind}')"),
            }));
        return (kind, columns);
    }

    static double[] Scored<T>(LoadedDiffusionModel<T> loaded, Func<LoadedDiffusionModel<T>, double[]> score) where T : nn.Module
    {
        try { return score(loaded); }
        finally { loaded.Model.Dispose(); }
    }
}
