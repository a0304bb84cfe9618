using Cmd.Data;
using Cmd.IO;
using Cmd.Metrics.Fvd;
using Cmd.Metrics;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>
/// FVD as the workbench measures it: real statistics (held-out Moving MNIST clips, a user's videos, or cached mu/sigma),
/// StyleGAN-V's clip protocol, the real-vs-real floor, and the FVD of a set of generated videos. The CLI's `fvd`
/// commands and the notebooks call these; the distance itself is <see cref="FrechetVideoDistance"/>.
/// </summary>
public static class FvdEvaluation
{
    /// <summary>The `--real` value that means held-out Moving MNIST clips.</summary>
    public const string MovingMnistReal = "mmnist";

    /// <summary>The shipped FVD-local detector, or the given path.</summary>
    public static string LocalDetectorPath(string? given = null) =>
        string.IsNullOrEmpty(given) ? Path.Combine(RepoData.Root, "data", "fvd-local", "mmnist-c3d.safetensors") : given;

    /// <summary>Seeds between two reference draws of held-out clips (<see cref="HeldOut"/>).</summary>
    public const long ReferenceDrawStride = 1000;

    /// <summary>Held-out clips: test digits, the evaluation seed (+ <see cref="ReferenceDrawStride"/> x draw), the
    /// given clip shape. Draw 0 is the set every score is measured against; draws 1, 2, .. are independent sets of
    /// the same kind (<see cref="ReferenceDraws"/>).</summary>
    public static MovingMnist HeldOut(MovingMnistConfig shape, int count, int draw = 0)
    {
        if (draw < 0) throw new ArgumentException($"a reference draw is 0 or more (got {draw})");
        return new(shape with { Split = MnistSplit.Test }, count,
            seed: MovingMnist.EvaluationSeed + ReferenceDrawStride * draw);
    }

    /// <summary>
    /// Statistics of the real videos: <see cref="MovingMnistReal"/> (held-out 64x64 x 16 clips), a safetensors file with
    /// cached "mu"/"sigma", or one with "videos" [N, L, C, H, W] in [-1, 1] (passed through <paramref name="protocol"/>).
    /// </summary>
    public static GaussianStats RealStats(IVideoDetector detector, string real, int count, int channels = 1, Func<Tensor, Tensor>? protocol = null)
    {
        if (real == MovingMnistReal)
        {
            var data = HeldOut(MovingMnistConfig.Small with { Channels = channels }, count);
            return FrechetVideoDistance.Stats(detector, FrechetVideoDistance.Batches(data, count, 8));
        }
        if (SafeTensorsFile.Open(real).Tensors.Any(t => t.Name == "mu")) return GaussianStats.Load(real);
        var videos = ReadVideos(real);
        if (protocol is not null) videos = protocol(videos);
        using (videos) return FrechetVideoDistance.Stats(detector, FrechetVideoDistance.Batches(videos, 8));
    }

    /// <summary>Statistics of clips [start, start + count) of a dataset.</summary>
    public static GaussianStats Stats(IVideoDetector detector, IVideoDataset data, int count, int start = 0) =>
        FrechetVideoDistance.Stats(detector, FrechetVideoDistance.Batches(data, count, 16, start));

    /// <summary>The first <paramref name="count"/> clips of a dataset as one tensor [N, L, C, H, W].</summary>
    public static Tensor Videos(IVideoDataset data, int count)
    {
        using var scope = NewDisposeScope();
        return stack(Enumerable.Range(0, count).Select(i => data.Get(i).Frames)).MoveToOuterDisposeScope();
    }

    /// <summary>FVD of generated (or reconstructed) videos [N, L, C, H, W] against real statistics.</summary>
    public static FvdResult Of(IVideoDetector detector, GaussianStats real, Tensor videos, int batch = 16) =>
        FrechetVideoDistance.Compute(detector, real, FrechetVideoDistance.Stats(detector, FrechetVideoDistance.Batches(videos, batch)));

    /// <summary>The floor at this set size: another <paramref name="count"/> real clips (after the first count) against the real statistics.</summary>
    public static FvdResult RealVsReal(IVideoDetector detector, GaussianStats real, IVideoDataset data, int count) =>
        FrechetVideoDistance.Compute(detector, real, Stats(detector, data, count, start: count));

    /// <summary>StyleGAN-V's protocol: one random 16-frame clip of every video; shorter videos are dropped. Disposes <paramref name="videos"/>.</summary>
    public static Tensor StyleGanVClips(Tensor videos, Random rng)
    {
        var clips = Enumerable.Range(0, (int)videos.shape[0]).Select(i => StyleGanVDetector.RandomClip(videos[i], rng)).Where(c => c is not null).ToList();
        if (clips.Count < 2)
            throw new ArgumentException($"need at least 2 videos of >= {StyleGanVDetector.Frames} frames, got {clips.Count} of [{string.Join(", ", videos.shape)}]");
        var stacked = stack(clips!);
        videos.Dispose();
        return stacked;
    }

    /// <summary>Videos [N, L, C, H, W] in [-1, 1] from a safetensors file (refused by name when not float or out of range).</summary>
    public static Tensor ReadVideos(string path) => VideoTensorFile.Read(path).Videos;
}
