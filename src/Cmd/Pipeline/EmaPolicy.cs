using Cmd.IO;
using Cmd.Training;

namespace Cmd.Pipeline;

/// <summary>
/// When sampling uses a diffusion run's EMA weights (appendix B.3: decay 0.999, <see cref="Ema.PaperDecay"/>) instead of
/// its trained weights. An EMA of 0.999 keeps 0.999^n of its initialisation after n steps: 37% after 1,000 steps, 0.7%
/// after 5,000. Short runs (the demo, notebook smoke runs) therefore sample the trained weights; runs of at least
/// <see cref="MinSteps"/> steps sample the EMA, as the paper does. One rule for the CLI, the demo and the notebooks.
/// </summary>
public static class EmaPolicy
{
    public const long MinSteps = 5000;

    public static bool Prefer(long steps) => steps >= MinSteps;

    /// <summary>For a run folder: whether its checkpoint's step count reaches <see cref="MinSteps"/> (false without one).</summary>
    public static bool PreferFor(string runFolder)
    {
        var checkpoint = Path.Combine(runFolder, TrainingCheckpoint.FileName);
        if (!Directory.Exists(runFolder) || !File.Exists(checkpoint)) return false;
        return Prefer(TrainingCheckpoint.ReadStep(SafeTensorsFile.Open(checkpoint).Metadata, checkpoint));
    }
}
