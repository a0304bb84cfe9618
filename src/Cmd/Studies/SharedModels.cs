using Cmd.IO;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Training;

namespace Cmd.Studies;

/// <summary>
/// What the cells of a Motion or Components study share: one autoencoder (given weights, or trained once at seed 0 in
/// runs/&lt;study&gt;/shared/) and the (content frame, z) pairs of its training clips. The first cell to need one makes
/// it under a file lock; cells started meanwhile (parallel local jobs, Slurm array tasks) wait and then load it.
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
        var file = Path.Combine(x.Plan.SharedFolder, $"pairs-{ConfigKey.Of(new { c.AutoencoderSource, c.Dataset, c.Pairs, Seed = 2 })}.safetensors");
        using var held = FileLock.Acquire(file + ".lock", Wait, x.Log);
        if (File.Exists(file)) return LatentPairs.Load(file);
        var pairs = LatentEncoder.Encode(ae, StudyData.Train(c.Dataset, ae.Config, seed: 2, x.Plan.BaseDirectory), c.Pairs);
        var tmp = file + ".tmp";
        pairs.Save(tmp);
        File.Move(tmp, file, overwrite: true);
        x.Log($"{pairs.Count} training pairs encoded to {file}");
        return pairs;
    }
}
