using Cmd.Data;
using Cmd.Evaluation;
using Cmd.Metrics;
using Cmd.Metrics.Fvd;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Viz;
using static TorchSharp.torch;

namespace Cmd.Studies;

/// <summary>
/// Table 4b and Figure 7 cells: one autoencoder trained on the cell's clips (PipelineTraining, resumable), scored on
/// held-out clips as notebook 04 does: R-FVD (FrechetVideoDistance.Reconstruction), the real-vs-real floor, PSNR and
/// SSIM (AutoencoderEvaluation.Score); Figure 7 adds how close each content frame is to its nearest frame. Writes
/// content-frames.png: held-out clips with their content frame first.
/// </summary>
public static class AutoencoderCell
{
    public const int ShownClips = 4;
    /// <summary>The picture each cell writes beside its done marker: held-out clips, each with its content frame first.</summary>
    public const string ContentFramesFile = "content-frames.png";

    public static Dictionary<string, double> Run(CellContext x, bool contentFrames = false)
    {
        var c = x.Config;
        var trainFolder = Path.Combine(x.RunFolder, "autoencoder");
        var train = StudyData.Train(c.Dataset, c.Autoencoder, c.Seed, x.Plan.BaseDirectory);
        var (model, r) = PipelineTraining.Autoencoder(c.Autoencoder, train, c.AutoencoderSteps,
            new PipelineTraining.Run(trainFolder, x.Device, Seed: c.Seed, CheckpointEvery: 200));
        using var _ = model;
        x.Log($"autoencoder {c.Autoencoder.Name}: steps {r.StartStep}..{r.EndStep} in {r.Seconds:F0} s");
        var metrics = new Dictionary<string, double> { ["train_loss"] = StudyData.FinalLoss(trainFolder) };
        var test = StudyData.HeldOut(c.Dataset, c.Autoencoder, c.EvaluationClips, x.Plan.BaseDirectory);
        int n = StudyData.Scored(test, c.EvaluationClips);
        if (x.WantsAny("r_fvd", "floor"))
        {
            var detector = x.OpenDetector(c.Autoencoder.Channels);
            try
            {
                var device = x.Device;
                metrics["r_fvd"] = FrechetVideoDistance.Reconstruction(detector, FrechetVideoDistance.Batches(test, n, 16),
                    v => model.call(v.to(device)).cpu()).Value;
                var real = FvdEvaluation.Stats(detector, test, n);
                metrics["floor"] = FvdEvaluation.RealVsReal(detector, real, test, n).Value;
            }
            finally { (detector as IDisposable)?.Dispose(); }
        }
        var scores = AutoencoderEvaluation.Score(model, test, n);
        metrics["psnr"] = scores.Average(s => s.Psnr);
        metrics["ssim"] = scores.Average(s => s.Ssim);
        if (contentFrames) metrics["content_frame_psnr"] = NearestFramePsnr(model, test, n);
        DrawContentFrames(model, test, Path.Combine(x.CellFolder, ContentFramesFile));
        return metrics;
    }

    /// <summary>Mean over clips of the PSNR between the content frame and the clip's frame closest to it.</summary>
    static double NearestFramePsnr(CmdAutoencoder model, IVideoDataset test, int n)
    {
        var loader = new VideoLoader(test, 8, shuffle: false, dropLast: false, prefetch: 0);
        var best = new List<double>();
        for (int start = 0; start < n; start += 8)
        {
            using var batch = loader.Load(Enumerable.Range(start, Math.Min(8, n - start)).ToArray());
            using var r = AutoencoderEvaluation.Run(model, batch);
            for (int i = 0; i < batch.Size; i++)
            {
                using var scope = NewDisposeScope();
                var frames = r.Originals[i];
                var frame = r.ContentFrames[i].unsqueeze(0).expand_as(frames);
                best.Add(Psnr.PerItem(frames, frame).Max());
            }
        }
        return best.Average();
    }

    /// <summary>The first held-out clips, each a row: its content frame, then its frames (Figure 7's layout).</summary>
    static void DrawContentFrames(CmdAutoencoder model, IVideoDataset test, string path)
    {
        var loader = new VideoLoader(test, ShownClips, shuffle: false, dropLast: false, prefetch: 0);
        using var batch = loader.Load(Enumerable.Range(0, Math.Min(ShownClips, test.Count)).ToArray());
        using var r = AutoencoderEvaluation.Run(model, batch);
        using var scope = NewDisposeScope();
        var rows = cat([r.ContentFrames.clamp(-1, 1).unsqueeze(1), r.Originals], 1);
        using var image = VideoViews.Rows([rows], scale: model.Config.Height <= 32 ? 3 : 2);
        VideoViews.SavePng(image, path);
    }
}
