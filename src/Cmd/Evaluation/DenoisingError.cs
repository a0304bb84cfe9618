using static TorchSharp.torch;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Diffusion;

namespace Cmd.Evaluation;

/// <summary>
/// Mean squared error of the predicted noise, E||eps - eps_theta(x_t, t)||^2 (the simple term of the hybrid loss), at fixed
/// timesteps over given clean samples: the per-timestep view of the training loss, to compare checkpoints (trained vs EMA
/// weights) or to see which noise levels a model has not learned yet. The same noise is drawn for every model (seeded).
/// </summary>
public static class DenoisingError
{
    public static readonly int[] DefaultTimesteps = [10, 100, 300, 500, 700, 900, 999];

    /// <param name="model">eps_theta on a batch: (x_t, t, index of the batch's samples) -> output with the eps channels first.</param>
    /// <param name="x0">Clean samples [N, ...] as the model was trained on them.</param>
    public static double[] ByTimestep(Func<Tensor, Tensor, Tensor, Tensor> model, Tensor x0, IReadOnlyList<int> timesteps, int batchSize = 32, long seed = 0)
    {
        var diffusion = GaussianDiffusion.Create();
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
                var eps = model(diffusion.QSample(x, t, noise), t, idx).narrow(1, 0, channels);
                sum += (eps - noise).pow(2).sum().item<float>();
            }
            result[k] = sum / x0.numel();
        }
        return result;
    }

    /// <summary>The error of a content-frame DiT on the pairs' content frames (class-conditional).</summary>
    public static double[] Content(DiT model, LatentPairs pairs, IReadOnlyList<int> timesteps, int batchSize = 32, long seed = 0) =>
        ByTimestep((x, t, idx) => model.call(x, t, pairs.Labels.index_select(0, idx)), pairs.Content, timesteps, batchSize, seed);

    /// <summary>The error of a motion DiT on the pairs' motion latents (scaled by the run's z_scale), conditioned on their content frames.</summary>
    public static double[] Motion(MotionDiT model, LatentPairs pairs, float zScale, IReadOnlyList<int> timesteps, int batchSize = 32, long seed = 0)
    {
        bool byClass = model.Config.Condition == MotionCondition.Class;
        using var z = pairs.Z / zScale;
        return ByTimestep((zt, t, idx) => model.Forward(zt, t, pairs.Content.index_select(0, idx), byClass ? pairs.Labels.index_select(0, idx) : null),
            z, timesteps, batchSize, seed);
    }
}
