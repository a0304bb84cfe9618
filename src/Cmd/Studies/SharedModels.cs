using Cmd.IO;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Training;

namespace Cmd.Studies;

/// <summary>
/// What the cells of Motion and Components studies share, in the shared folder beside the studies' run folders
/// (runs/studies/shared/): one autoencoder (given weights, or trained once at seed 0), the (content frame, z) pairs of its
/// training clips, and each motion DiT, keyed by everything its training depends on: Table 4a's CMD cells and Table 4c's
/// key-patch-8 cells train the same model at the same seed, so whichever study runs second loads the first's. The first
/// cell to need one makes it under a file lock; cells started meanwhile (parallel local jobs, Slurm array tasks) wait.
/// </summary>
public static class SharedModels
{
    static readonly TimeSpan Wait = TimeSpan.FromDays(2);

    public static CmdAutoencoder Autoencoder(CellContext x)
    {
        var c = x.Config;
        if (c.AutoencoderSource.StartsWith("weights:", StringComparison.Ordinal))
        {
            x.Log($"autoencoder: {x.Plan.AutoencoderWeights}");
            return ModelStore.LoadAutoencoder(x.Plan.AutoencoderWeights, x.Device);
        }
        var key = c.AutoencoderSource["shared:".Length..];
        var folder = Path.Combine(x.Plan.SharedFolder, $"autoencoder-{key}");
        using var held = FileLock.Acquire(folder + ".lock", Wait, x.Log);
        var data = StudyData.Train(c.Dataset, c.Autoencoder, seed: 0, x.Plan.BaseDirectory);
        var (model, r) = PipelineTraining.Autoencoder(c.Autoencoder, data, c.AutoencoderSteps,
            new PipelineTraining.Run(folder, x.Device, Seed: 0, CheckpointEvery: 200));
        x.Log($"shared autoencoder {folder}: steps {r.StartStep}..{r.EndStep}");
        return model;
    }

    /// <summary>The training pairs (data seed 2, as notebooks 05 and 06), encoded once per autoencoder and count.</summary>
    public static LatentPairs TrainPairs(CellContext x, CmdAutoencoder ae)
    {
        var c = x.Config;
        var file = Path.Combine(x.Plan.SharedFolder, $"pairs-{PairsKey(c)}.safetensors");
        using var held = FileLock.Acquire(file + ".lock", Wait, x.Log);
        if (File.Exists(file)) return LatentPairs.Load(file);
        var pairs = LatentEncoder.Encode(ae, StudyData.Train(c.Dataset, ae.Config, seed: 2, x.Plan.BaseDirectory), c.Pairs);
        var tmp = file + ".tmp";
        pairs.Save(tmp);
        File.Move(tmp, file, overwrite: true);
        x.Log($"{pairs.Count} training pairs encoded to {file}");
        return pairs;
    }

    /// <summary>
    /// The run folder of the cell's motion DiT, trained (or resumed) there unless a cell of any study already trained
    /// the same one: same pairs, fitted config, steps, batch and seed.
    /// </summary>
    public static string Motion(CellContext x, LatentPairs pairs)
    {
        var c = x.Config;
        var config = pairs.FitMotion(c.Motion!).Validate();
        var key = ConfigKey.Of(new { Pairs = PairsKey(c), Motion = config, c.MotionSteps, c.DiffusionBatch, c.Seed });
        var folder = Path.Combine(x.Plan.SharedFolder, $"motion-{key}");
        using var held = FileLock.Acquire(folder + ".lock", Wait, x.Log);
        var r = PipelineTraining.Motion(config, pairs, c.MotionSteps, c.DiffusionBatch,
            new PipelineTraining.Run(folder, x.Device, Seed: c.Seed, CheckpointEvery: 250));
        x.Log($"motion DiT key patch {config.KeyPatchSize} ({folder}): steps {r.StartStep}..{r.EndStep} in {r.Seconds:F0} s");
        return folder;
    }

    static string PairsKey(CellConfig c) => ConfigKey.Of(new { c.AutoencoderSource, c.Dataset, c.Pairs, Seed = 2 });
}
