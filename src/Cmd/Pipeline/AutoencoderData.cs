using Cmd.Data;
using Cmd.Models.Autoencoder;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>Datasets shaped for an autoencoder config, and step-indexed training batches from them.</summary>
public static class AutoencoderData
{
    /// <summary>Dataset options whose clips have the config's L, C and H (= W) (Moving MNIST: preset tiny for 32x32 configs, small otherwise).</summary>
    public static DatasetOptions DatasetFor(AutoencoderConfig c, string dataset = "mmnist", int count = 10_000, long seed = 0, MnistSplit split = MnistSplit.All)
    {
        if (c.Height != c.Width) throw new ArgumentException($"dataset '{dataset}' makes square frames; autoencoder '{c.Name}' wants {c.Height}x{c.Width}");
        return new DatasetOptions
        {
            Dataset = dataset, Preset = c.Height <= 32 ? "tiny" : "small", Frames = c.Frames, Size = c.Height, Channels = c.Channels,
            Count = count, Seed = seed, Split = split,
        };
    }

    /// <summary>Moving MNIST clips of the config's shape (the tiny motion for 32x32 configs, small otherwise), of a digit split.</summary>
    public static MovingMnistConfig MovingMnistFor(AutoencoderConfig c, MnistSplit split = MnistSplit.All) =>
        (c.Height <= 32 ? MovingMnistConfig.Tiny : MovingMnistConfig.Small) with
        {
            Frames = c.Frames, Size = c.Height, Channels = c.Channels, Split = split,
        };

    /// <summary>Checks that a dataset's clips fit the autoencoder; throws naming both shapes.</summary>
    public static void CheckFits(IVideoDataset ds, AutoencoderConfig c)
    {
        var s = ds.Shape;
        if (s.Frames != c.Frames || s.Channels != c.Channels || s.Height != c.Height || s.Width != c.Width)
            throw new ArgumentException($"dataset {ds.Name} has clips {s} but autoencoder '{c.Name}' takes [L={c.Frames}, C={c.Channels}, H={c.Height}, W={c.Width}]");
    }

    /// <summary>
    /// The training batch of a global step (seeded shuffle per epoch: a resumed run sees the same batches). With
    /// <paramref name="twins"/> (<see cref="AutoencoderConfig.MotionTwins"/>), the batch's clips then their motion twins.
    /// </summary>
    public static Func<long, Tensor> Batches(IVideoDataset ds, int batchSize, long seed, bool twins = false)
    {
        var mnist = ds as MovingMnist;
        if (twins && mnist is null)
            throw new ArgumentException($"motion twins need Moving MNIST, which can draw a clip's twin (dataset {ds.Name} cannot)");
        var loader = new VideoLoader(ds, batchSize, seed, shuffle: true, dropLast: true, prefetch: 0);
        return step =>
        {
            var indices = loader.BatchIndices(step);
            var batch = loader.Load(indices);
            batch.Labels.Dispose();
            if (!twins) return batch.Frames; // owned by the trainer's dispose scope
            var twinFrames = indices.Select(i => { using var clip = mnist!.Twin(i); return clip.Frames.unsqueeze(0); }).ToList();
            return cat([batch.Frames, .. twinFrames], 0);
        };
    }
}
