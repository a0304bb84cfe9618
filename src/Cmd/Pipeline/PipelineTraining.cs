using Cmd.Data;
using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>
/// The training stages of a CMD run, each in its own run folder: the autoencoder on clips, then the content-frame DiT
/// (Eq. 7) and the motion DiT (Eq. 8) on its latent pairs, with the recipes of appendix B.3. With resume, a folder that
/// already holds a checkpoint continues it (or, at its step count, just loads it). The demo, the notebooks and the
/// sweeps call these; the CLI's `ae train` / `train content|motion` expose every option of the same trainers.
/// </summary>
public static class PipelineTraining
{
    /// <summary>Where and how a stage runs.</summary>
    public sealed record Run(string Folder, Device Device, int Seed = 0, bool Resume = true, bool Progress = false, long CheckpointEvery = 500);

    /// <summary>Trains the autoencoder on a dataset's clips; returns it in eval mode with what the run did.</summary>
    public static (CmdAutoencoder Model, TrainingResult Result) Autoencoder(AutoencoderConfig config, IVideoDataset data, long steps, Run run)
    {
        AutoencoderData.CheckFits(data, config);
        manual_seed(run.Seed);
        var model = new CmdAutoencoder(config);
        model.to(run.Device);
        var options = AutoencoderTraining.Options(config) with { Steps = steps };
        var result = AutoencoderTraining.Train(model, AutoencoderData.Batches(data, config.BatchSize, run.Seed), With(options, run));
        model.eval();
        return (model, result);
    }

    /// <summary>Trains a content-frame DiT of <paramref name="config"/>'s size on the pairs' content frames.</summary>
    public static TrainingResult Content(DiTConfig config, LatentPairs pairs, long steps, int batchSize, Run run)
    {
        manual_seed(run.Seed);
        using var model = new DiT(pairs.FitContent(config));
        model.to(run.Device);
        return DiffusionTraining.TrainContent(model, pairs, With(DiffusionTraining.PaperOptions with { Steps = steps }, run), batchSize);
    }

    /// <summary>Trains a motion DiT of <paramref name="config"/>'s size on the pairs' z, conditioned on their content frames.</summary>
    public static TrainingResult Motion(MotionDiTConfig config, LatentPairs pairs, long steps, int batchSize, Run run)
    {
        manual_seed(run.Seed);
        using var model = new MotionDiT(pairs.FitMotion(config));
        model.to(run.Device);
        return DiffusionTraining.TrainMotion(model, pairs, With(DiffusionTraining.PaperOptions with { Steps = steps }, run), batchSize);
    }

    static TrainingOptions With(TrainingOptions recipe, Run run) => recipe with
    {
        OutDir = run.Folder, Resume = run.Resume, Progress = run.Progress, CheckpointEvery = run.CheckpointEvery, Seed = run.Seed,
    };
}
