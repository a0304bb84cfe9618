using Cmd.Data;
using Cmd.Models.Autoencoder;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>Encodes clips with the autoencoder into the (content frame x̄, z, label, caption) pairs the diffusion models learn.</summary>
public static class LatentEncoder
{
    /// <summary>The clips <paramref name="start"/> .. start + count - 1 of a dataset (fewer if it ends), in batches, without gradients.</summary>
    public static LatentPairs Encode(CmdAutoencoder model, IVideoDataset ds, int count, int batchSize = 16, int start = 0)
    {
        AutoencoderData.CheckFits(ds, model.Config);
        int end = Math.Min(start + count, ds.Count);
        if (end <= start) throw new ArgumentException($"nothing to encode: clips {start}..{start + count - 1} of {ds.Name}, which has {ds.Count}");
        var loader = new VideoLoader(ds, batchSize, shuffle: false, dropLast: false, prefetch: 0);
        var device = model.parameters().First().device;
        var contents = new List<Tensor>(); var zs = new List<Tensor>(); var labels = new List<long>(); var captions = new List<string>();
        using var _ = no_grad();
        for (int first = start; first < end; first += batchSize)
        {
            using var scope = NewDisposeScope();
            using var batch = loader.Load(Enumerable.Range(first, Math.Min(batchSize, end - first)).ToArray());
            var e = model.Encode(batch.Frames.to(device));
            contents.Add(e.ContentFrame.cpu().MoveToOuterDisposeScope());
            zs.Add(e.Z.cpu().MoveToOuterDisposeScope());
            labels.AddRange(batch.Labels.data<long>().ToArray());
            captions.AddRange(batch.Captions);
        }
        var content = cat(contents, 0); var z = cat(zs, 0);
        contents.ForEach(t => t.Dispose()); zs.ForEach(t => t.Dispose());
        var c = model.Config;
        return new LatentPairs(content, z, tensor(labels.ToArray(), dtype: int64), c.GridHeight, c.GridWidth, captions, c,
            $"{ds.Name} {ds.Shape} clips {start}..{end - 1}");
    }
}
