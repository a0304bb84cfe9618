using Cmd.Data;
using Cmd.Evaluation;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Training;

namespace Cmd.Studies;

/// <summary>
/// The clips of a cell: training clips of the autoencoder's shape (Moving MNIST from the train digits; video files
/// through their layout), and held-out clips, twice the evaluation count (the first half is scored, the second half
/// gives the real-vs-real floor). Moving MNIST holds out the test digits; a video dataset scores clips spread evenly
/// over all its videos (UCF-101 follows the paper, B.1: its train split for training and evaluation).
/// </summary>
public static class StudyData
{
    /// <param name="baseDirectory">What a relative dataset root is relative to (<see cref="StudyPlan.BaseDirectory"/>).</param>
    public static IVideoDataset Train(StudyDataset d, AutoencoderConfig c, long seed, string baseDirectory) => d.Name.ToLowerInvariant() switch
    {
        "mmnist" => new MovingMnist(AutoencoderData.MovingMnistFor(c, MnistSplit.Train), d.Clips, seed),
        _ => Files(d, c, seed, baseDirectory),
    };

    public static IVideoDataset HeldOut(StudyDataset d, AutoencoderConfig c, int clips, string baseDirectory)
    {
        if (d.Name.Equals("mmnist", StringComparison.OrdinalIgnoreCase)) return FvdEvaluation.HeldOut(AutoencoderData.MovingMnistFor(c), 2 * clips);
        var all = Files(d, c, MovingMnist.EvaluationSeed, baseDirectory);
        if (all.Count < 2) throw new StudyException($"dataset {all.Name} has {all.Count} clips of {all.Shape}: too few to hold any out");
        int n = Math.Min(2 * clips, all.Count);
        // n evenly spaced clips; even positions first, so both halves (scored, floor) cover every part of the dataset
        var spaced = Enumerable.Range(0, n).Select(j => (int)((long)j * all.Count / n)).ToArray();
        return new Subset(all, [.. spaced.Where((_, j) => j % 2 == 0), .. spaced.Where((_, j) => j % 2 == 1)]);
    }

    /// <summary>Clips scored from a held-out set: the evaluation count, or half the set when it is smaller.</summary>
    public static int Scored(IVideoDataset heldOut, int clips) => Math.Max(1, Math.Min(clips, heldOut.Count / 2));

    /// <summary>Mean loss over the last 10% of a run's loss log (NaN without one).</summary>
    public static double FinalLoss(string runFolder)
    {
        var path = Path.Combine(runFolder, LossLog.FileName);
        if (!File.Exists(path)) return double.NaN;
        var log = LossLog.Read(path);
        return log.Count == 0 ? double.NaN : log.Skip(log.Count * 9 / 10).Average(p => p.loss);
    }

    static IVideoDataset Files(StudyDataset d, AutoencoderConfig c, long seed, string baseDirectory) =>
        VideoDatasets.Open(AutoencoderData.DatasetFor(c, d.Name, d.Clips, seed, MnistSplit.Train) with
        {
            Root = d.Root is null ? null : Path.GetFullPath(Path.Combine(baseDirectory, d.Root)), UcfSplit = d.UcfSplit,
        });

    /// <summary>The clips of a dataset at the given indices, in that order.</summary>
    sealed class Subset(IVideoDataset inner, int[] indices) : IVideoDataset
    {
        public string Name => $"{inner.Name} ({indices.Length} spread clips)";
        public int Count => indices.Length;
        public VideoShape Shape => inner.Shape;
        public IReadOnlyList<string> ClassNames => inner.ClassNames;
        public VideoClip Get(int index) => index >= 0 && index < indices.Length ? inner.Get(indices[index])
            : throw new ArgumentOutOfRangeException(nameof(index), $"clip {index} of {Name}");
    }
}
