using Cmd.Models.Denoisers;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>
/// Workbench sampling switch, not the paper's: a second motion DiT that denoises the sampler's steps at timesteps
/// t &gt; <see cref="AboveT"/> (of the 1000 training steps), the motion DiT the rest (expert denoisers by noise level,
/// Balaji et al. 2022, eDiff-I). With two snapshots of one run it says at which noise levels a later snapshot's samples
/// go wrong (results/small-pipeline/README.md, session 37).
/// </summary>
public sealed record NoiseExpert(MotionDiT Model, int AboveT)
{
    /// <summary>The model for the (original) timesteps <paramref name="t"/> of a batch that shares one step.</summary>
    public MotionDiT Pick(MotionDiT model, Tensor t) => t[0].item<long>() > AboveT ? Model : model;

    /// <summary>The expert <paramref name="expert"/> above <paramref name="aboveT"/> (0-999) for
    /// <paramref name="motion"/>; both must learn the same z (config, z scale and form).</summary>
    public static NoiseExpert For(LoadedDiffusionModel<MotionDiT> motion, LoadedDiffusionModel<MotionDiT> expert,
        int aboveT)
    {
        if (aboveT is < 0 or > 999) throw new ArgumentException($"--above-t must be 0-999 (got {aboveT})");
        if (expert.Model.Config != motion.Model.Config)
            throw new ArgumentException($"the high-noise motion DiT {expert.Path} is not built as the motion DiT " +
                                        $"{motion.Path}: {expert.Model.Config} against {motion.Model.Config}");
        if (expert.ZScale != motion.ZScale || expert.Velocity != motion.Velocity)
            throw new ArgumentException($"the high-noise motion DiT {expert.Path} learned z at scale {expert.ZScale} " +
                $"({expert.Velocity?.ToString() ?? "offsets"}), the motion DiT {motion.Path} at {motion.ZScale} " +
                $"({motion.Velocity?.ToString() ?? "offsets"}): not one z to share");
        if (expert.Magnitude != motion.Magnitude)
            throw new ArgumentException($"the high-noise motion DiT {expert.Path} scales the magnitude condition by " +
                $"{expert.Magnitude?.Scale}, the motion DiT {motion.Path} by {motion.Magnitude?.Scale}");
        if (expert.GivenPlaces != motion.GivenPlaces)
            throw new ArgumentException($"the high-noise motion DiT {expert.Path} was trained " +
                $"{(expert.GivenPlaces is null ? "drawing" : "given")} its places, the motion DiT {motion.Path} " +
                $"{(motion.GivenPlaces is null ? "drawing" : "given")} them: one sampler cannot feed both");
        return new NoiseExpert(expert.Model, aboveT);
    }

    public override string ToString() => $"t > {AboveT}";
}
