using Cmd.Data;
using Cmd.Metrics;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>Reconstruction quality of one clip: PSNR (one MSE over the clip, [-1, 1] range 2) and SSIM (frame mean, on [0, 1]).</summary>
public sealed record ClipScore(int Index, int Label, string Caption, double Psnr, double Ssim, double[] FrameWeights);

/// <summary>Runs an autoencoder over clips and scores its reconstructions.</summary>
public static class AutoencoderEvaluation
{
    public sealed record BatchResult(Tensor Originals, Tensor Reconstructions, Tensor ContentFrames, Tensor Weights, Tensor Z, List<ClipScore> Scores) : IDisposable
    {
        public void Dispose() { Originals.Dispose(); Reconstructions.Dispose(); ContentFrames.Dispose(); Weights.Dispose(); Z.Dispose(); }
    }

    /// <summary>Encodes and decodes one batch without gradients; the tensors (CPU) belong to the caller.</summary>
    public static BatchResult Run(CmdAutoencoder model, VideoBatch batch)
    {
        var device = model.parameters().First().device;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var x = batch.Frames.to(device);
        var e = model.Encode(x);
        var recon = model.Decode(e.ContentFrame, e.Zx, e.Zy).clamp(-1, 1);
        var xc = x.cpu(); var rc = recon.cpu();
        var psnr = Psnr.PerItem(xc, rc);
        var ssim = Ssim.PerClip(xc, rc);
        var fw = e.FrameWeights.cpu().to(float64);
        var scores = new List<ClipScore>();
        for (int i = 0; i < batch.Size; i++)
            scores.Add(new ClipScore(batch.Indices[i], (int)batch.Labels[i].item<long>(), batch.Captions[i], psnr[i], ssim[i], fw[i].data<double>().ToArray()));
        return new BatchResult(xc.MoveToOuterDisposeScope(), rc.MoveToOuterDisposeScope(), e.ContentFrame.cpu().MoveToOuterDisposeScope(),
            e.Weights.cpu().MoveToOuterDisposeScope(), e.Z.cpu().MoveToOuterDisposeScope(), scores);
    }

    /// <summary>Scores the first <paramref name="clips"/> clips of a dataset in batches.</summary>
    public static List<ClipScore> Score(CmdAutoencoder model, IVideoDataset ds, int clips, int batchSize = 8)
    {
        AutoencoderData.CheckFits(ds, model.Config);
        var loader = new VideoLoader(ds, batchSize, shuffle: false, dropLast: false, prefetch: 0);
        var all = new List<ClipScore>();
        for (int start = 0; start < Math.Min(clips, ds.Count); start += batchSize)
        {
            var idx = Enumerable.Range(start, Math.Min(batchSize, Math.Min(clips, ds.Count) - start)).ToArray();
            using var batch = loader.Load(idx);
            using var r = Run(model, batch);
            all.AddRange(r.Scores);
        }
        return all;
    }
}
