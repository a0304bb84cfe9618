using Cmd.Diffusion;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>
/// Mean squared error of the predicted noise, E||eps - eps_theta(x_t, t)||^2 (the simple term of the hybrid loss), and of
/// the x_0 it implies, E||x_0 - x̂_0||^2 (clipped to [-1, 1] where the sampler clips), at fixed timesteps over given clean
/// samples: the per-timestep view of the training loss, to compare checkpoints (trained vs EMA weights) or prediction
/// types (eps, x0, v), or to see which noise levels a model has not learned yet. The same noise is drawn for every model.
/// </summary>
public static class DenoisingError
{
    public static readonly int[] DefaultTimesteps = [10, 100, 300, 500, 700, 900, 999];

    /// <summary>Per timestep: the eps error and the x_0 error.</summary>
    public sealed record Errors(double[] Eps, double[] XStart);

    /// <param name="model">The denoiser on a batch: (x_t, t, index of the batch's samples) -> output whose first channels
    /// are what <paramref name="diffusion"/> says they predict (default: eps).</param>
    /// <param name="x0">Clean samples [N, ...] as the model was trained on them.</param>
    /// <param name="clipDenoised">Clip x̂_0 to [-1, 1] before scoring it, as the content sampler does.</param>
    public static Errors ByTimestep(Func<Tensor, Tensor, Tensor, Tensor> model, Tensor x0, IReadOnlyList<int> timesteps, int batchSize = 32,
        long seed = 0, GaussianDiffusion? diffusion = null, bool clipDenoised = false)
    {
        diffusion ??= GaussianDiffusion.Create();
        var bad = timesteps.Where(t => t < 0 || t >= diffusion.NumTimesteps).ToList();
        if (bad.Count > 0) throw new ArgumentException($"timesteps must be in [0, {diffusion.NumTimesteps - 1}] (got {string.Join(", ", bad)})");
        var eps = new double[timesteps.Count];
        var xStart = new double[timesteps.Count];
        long n = x0.shape[0], channels = x0.shape[1];
        using var _ = no_grad();
        manual_seed(seed);
        for (int k = 0; k < timesteps.Count; k++)
        {
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var idx = arange(start, Math.Min(n, start + batchSize), dtype: int64);
                var x = x0.index_select(0, idx);
                var t = full(idx.shape[0], timesteps[k], dtype: int64);
                var noise = randn_like(x);
                var xT = diffusion.QSample(x, t, noise);
                var output = model(xT, t, idx).narrow(1, 0, channels);
                var predX0 = diffusion.PredXStartFromOutput(xT, t, output);
                var predEps = diffusion.MeanType == ModelMeanType.Epsilon ? output : diffusion.PredictEpsFromXStart(xT, t, predX0);
                if (clipDenoised) predX0 = predX0.clamp(-1, 1);
                eps[k] += (predEps - noise).pow(2).sum().item<float>();
                xStart[k] += (predX0 - x).pow(2).sum().item<float>();
            }
            eps[k] /= x0.numel();
            xStart[k] /= x0.numel();
        }
        return new Errors(eps, xStart);
    }

    /// <summary>The error of a content-frame DiT on the pairs' content frames (class-conditional; x̂_0 clipped as sampled);
    /// with <paramref name="nullClass"/> every label is the null class the model learned under class dropout, so the
    /// gap to the class-conditional error is what the class tells the model.</summary>
    public static Errors Content(DiT model, LatentPairs pairs, IReadOnlyList<int> timesteps, int batchSize = 32, long seed = 0,
        bool nullClass = false) =>
        ByTimestep((x, t, idx) => model.call(x, t, nullClass ? full(idx.shape[0], model.NumClasses, dtype: int64)
            : pairs.Labels.index_select(0, idx)), pairs.Content, timesteps, batchSize, seed,
            DiffusionTraining.ContentDiffusion(model.Config), clipDenoised: true);

    /// <summary>Whether a content DiT has a null class to score without the class (it trained with class dropout).</summary>
    public static bool HasNullClass(DiT model) => model.Config.ClassDropoutProb > 0;

    /// <summary>The error of a motion DiT on the pairs' motion latents (scaled by the run's z_scale), conditioned on their
    /// content frames; with <paramref name="otherContent"/> each latent gets the next pair's content frame instead (same
    /// noise), so the gap to the matched error is what the content frame tells the model. A DiT conditioned on how far
    /// z moves gets each latent's own magnitudes through <paramref name="magnitude"/>, as it trained.</summary>
    public static Errors Motion(MotionDiT model, LatentPairs pairs, float zScale, IReadOnlyList<int> timesteps, int batchSize = 32,
        long seed = 0, bool otherContent = false, MotionVelocity? velocity = null, MotionMagnitude? magnitude = null)
    {
        var c = model.Config;
        bool byClass = c.Condition == MotionCondition.Class;
        using var learned = Learned(pairs.Z, velocity);
        using var z = learned / zScale;
        using var m = magnitude?.Of(pairs.Z, c.GridHeight, c.GridWidth);
        Tensor Frames(Tensor idx) => pairs.Content.index_select(0, otherContent ? (idx + 1).remainder(pairs.Count) : idx);
        return ByTimestep((zt, t, idx) => model.Forward(zt, t, Frames(idx),
                byClass ? pairs.Labels.index_select(0, idx) : null, m?.index_select(0, idx)),
            z, timesteps, batchSize, seed, DiffusionTraining.MotionDiffusion(c));
    }

    /// <summary>z in the form the motion model learned it (<see cref="MotionVelocity"/>), a new tensor either way.</summary>
    static Tensor Learned(Tensor z, MotionVelocity? velocity) => velocity?.Encode(z) ?? z.alias();

    /// <summary>What predicting one constant x_0 for every sample scores (the samples' variance): the bar an x_0 error at
    /// high noise should stay under, where only the layout's mean can be known.</summary>
    public static double ConstantXStart(Tensor x0)
    {
        using var _ = no_grad();
        return x0.var(0, unbiased: false).mean().item<float>();
    }

    /// <summary>One column of <see cref="ForRun"/>: which weights, and their error at each timestep.</summary>
    public sealed record Column(string Weights, Errors Errors);

    /// <summary>A run's errors: one column per set of weights, and the constant-x_0 bar on the same samples.</summary>
    public sealed record RunErrors(string Kind, List<Column> Columns, double ConstantXStart);

    /// <summary>
    /// The error of a content or motion run (folder: its trained and its EMA weights side by side; file: those weights)
    /// on the first <paramref name="count"/> pairs; a content DiT's weights also with the null class, a motion DiT's also
    /// with another pair's content frame, on the same noise (does the model use its condition?).
    /// </summary>
    public static RunErrors ForRun(string path, LatentPairs pairs, int count, IReadOnlyList<int> timesteps)
    {
        using var sub = pairs.Take(Math.Min(count, pairs.Count));
        string file = ModelStore.Resolve(path, preferEma: false);
        if (!File.Exists(file)) throw new FileNotFoundException($"no weights at {file}", file);
        string kind = ModelMetadata.KindOf(file);
        bool hasEma = Directory.Exists(path) && File.Exists(Path.Combine(path, ModelMetadata.EmaFileName));
        var columns = new List<Column>();
        double constant = double.NaN;
        var otherColumns = new List<Column>();
        foreach (bool ema in hasEma ? new[] { false, true } : [false])
            columns.Add(new Column(ema ? "EMA" : "trained", kind switch
            {
                ModelMetadata.Content => Scored(ModelStore.LoadContent(path, preferEma: ema), m =>
                {
                    constant = ConstantXStart(sub.Content);
                    if (HasNullClass(m.Model)) // the same weights once more, without the class
                        otherColumns.Add(new Column($"{(ema ? "EMA" : "trained")}, null class",
                            Content(m.Model, sub, timesteps, nullClass: true)));
                    return Content(m.Model, sub, timesteps);
                }),
                ModelMetadata.Motion => Scored(ModelStore.LoadMotion(path, preferEma: ema), m =>
                {
                    using (var learned = Learned(sub.Z, m.Velocity))
                    using (var z = learned / m.ZScale) constant = ConstantXStart(z);
                    otherColumns.Add(new Column($"{(ema ? "EMA" : "trained")}, other content frame",
                        Motion(m.Model, sub, m.ZScale, timesteps, otherContent: true, velocity: m.Velocity,
                            magnitude: m.Magnitude)));
                    return Motion(m.Model, sub, m.ZScale, timesteps, velocity: m.Velocity, magnitude: m.Magnitude);
                }),
                _ => throw new InvalidDataException($"{file}: not a content or motion DiT (model_kind '{kind}')"),
            }));
        columns.AddRange(otherColumns);
        return new RunErrors(kind, columns, constant);
    }

    static Errors Scored<T>(LoadedDiffusionModel<T> loaded, Func<LoadedDiffusionModel<T>, Errors> score) where T : nn.Module
    {
        try { return score(loaded); }
        finally { loaded.Model.Dispose(); }
    }
}
