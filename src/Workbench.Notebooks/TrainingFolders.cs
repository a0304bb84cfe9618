using Cmd.IO;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Training;

namespace Workbench.Notebooks;

/// <summary>
/// A notebook's training run folder, named by the full resolved config of the run (<see cref="ConfigKey"/>):
/// <c>&lt;resultsDir&gt;/train/&lt;name&gt;-&lt;key&gt;/</c>. A run with any other parameter (steps, seed, model, data) trains
/// in a folder of its own; the same config resumes its interrupted run or reuses its finished one.
/// </summary>
public static class TrainingFolders
{
    /// <summary>The file beside the checkpoint that holds the config the folder's key was made from.</summary>
    public const string ConfigFile = "run-config.json";

    /// <summary>What a folder holds for a run of <c>steps</c> steps.</summary>
    public enum State { New, Resumable, Finished }

    /// <summary>The folder for <paramref name="config"/> (which must include everything the training depends on) and <paramref name="steps"/>.</summary>
    public static string PathOf(string resultsDir, string name, object config, long steps) =>
        Path.GetFullPath(Path.Combine(resultsDir, "train", $"{name}-{ConfigKey.Of(Keyed(config, steps))}"));

    /// <summary>
    /// <see cref="PathOf"/>, created, with the config written beside the checkpoint; prints whether the run trains anew,
    /// resumes or reuses the folder.
    /// </summary>
    public static string For(string resultsDir, string name, object config, long steps)
    {
        var dir = PathOf(resultsDir, name, config, steps);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, ConfigFile), ConfigKey.Canonical(Keyed(config, steps)) + "\n");
        Console.WriteLine($"{name}: {Describe(dir, steps)} ({dir})");
        return dir;
    }

    /// <summary>Whether the folder has no checkpoint, one before <paramref name="steps"/>, or one at it.</summary>
    public static (State State, long Step) Inspect(string dir, long steps)
    {
        var checkpoint = Path.Combine(dir, TrainingCheckpoint.FileName);
        if (!File.Exists(checkpoint)) return (State.New, 0);
        var step = TrainingCheckpoint.ReadStep(SafeTensorsFile.Open(checkpoint).Metadata, checkpoint);
        return (step >= steps ? State.Finished : State.Resumable, step);
    }

    /// <summary>"trains anew", "resumes its own run at step s" or "reuses its finished run".</summary>
    public static string Describe(string dir, long steps) => Inspect(dir, steps) switch
    {
        (State.New, _) => $"no run with this config yet: trains {steps} steps anew",
        (State.Resumable, var s) => $"resumes its own run at step {s} of {steps}",
        (_, var s) => $"reuses its finished run ({s} steps) with this config",
    };

    /// <summary>What an autoencoder run depends on besides its step count: the model config and its training clips.</summary>
    public static object AutoencoderRun(AutoencoderConfig config, long seed, int trainClips = AutoencoderClips) =>
        new { Autoencoder = config, TrainClips = trainClips, Seed = seed };

    /// <summary>The Moving MNIST training clips of the notebooks' autoencoder runs.</summary>
    public const int AutoencoderClips = 20_000;

    /// <summary>A weights file given by path: its place, size and time (a file rewritten in place gets a new key).</summary>
    public static object FileKey(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw new FileNotFoundException($"weights not found: {path}");
        return new { File = file.FullName, Bytes = file.Length, Modified = file.LastWriteTimeUtc };
    }

    /// <summary>
    /// The autoencoder in <paramref name="weights"/> when given, else one trained (resumed, or reused) in its
    /// config-keyed folder; with the key of where it came from, for the folders of models trained on its latents.
    /// </summary>
    public static (CmdAutoencoder Model, object Key) Autoencoder(string resultsDir, string weights, AutoencoderConfig config, long steps, long seed)
    {
        if (!string.IsNullOrEmpty(weights))
            return (PipelineTraining.LoadOrTrainAutoencoder(weights, config, steps, new PipelineTraining.Run("", TorchSharp.torch.CPU), log: Console.WriteLine),
                    FileKey(weights));
        var run = AutoencoderRun(config, seed);
        var dir = For(resultsDir, "autoencoder", run, steps);
        var model = PipelineTraining.LoadOrTrainAutoencoder(null, config, steps, new PipelineTraining.Run(dir, TorchSharp.torch.CPU, Seed: (int)seed),
            AutoencoderClips, Console.WriteLine);
        return (model, Keyed(run, steps));
    }

    static object Keyed(object config, long steps) => new { config, steps };
}
