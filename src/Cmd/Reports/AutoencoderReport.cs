using System.Globalization;
using System.Text.Json;
using System.Text;
using Cmd.Data;
using Cmd.Evaluation;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Viz;
using static TorchSharp.torch;

namespace Cmd.Reports;

/// <summary>
/// Reconstruction views of a trained autoencoder (paper Figure 7 style): content frames beside their videos,
/// originals over reconstructions, importance weights per frame, PSNR/SSIM per clip.
/// </summary>
public static class AutoencoderReport
{
    public sealed record Summary(int Clips, double MeanPsnr, double MeanSsim, IReadOnlyList<string> Files);

    /// <param name="shown">Clips drawn in the images (all <paramref name="clips"/> are scored).</param>
    public static Summary Write(CmdAutoencoder model, IVideoDataset ds, string outDir, int clips = 64, int shown = 4, int scale = 2, int batchSize = 8)
    {
        AutoencoderData.CheckFits(ds, model.Config);
        Directory.CreateDirectory(outDir);
        int n = Math.Min(clips, ds.Count);
        var files = new List<string>();
        var loader = new VideoLoader(ds, Math.Max(1, Math.Min(shown, n)), shuffle: false, dropLast: false, prefetch: 0);
        using (var first = loader.Load(Enumerable.Range(0, Math.Max(1, Math.Min(shown, n))).ToArray()))
        using (var r = AutoencoderEvaluation.Run(model, first))
        {
            files.Add(Save(VideoViews.Comparison(r.Originals, r.Reconstructions, scale), Path.Combine(outDir, "reconstructions.png")));
            files.Add(Save(VideoViews.Rows(ContentBesideVideo(r.ContentFrames, r.Originals), scale), Path.Combine(outDir, "content_frames.png")));
            files.Add(Save(VideoViews.Rows(ImportanceMaps(r.Weights, r.Originals.shape), scale), Path.Combine(outDir, "importance_maps.png")));
            for (int i = 0; i < r.Scores.Count; i++)
            {
                using var c = r.ContentFrames[i].unsqueeze(0);
                files.Add(Save(VideoViews.FrameGrid(c, scale: scale * 2), Path.Combine(outDir, $"content_frame_{i}.png")));
            }
        }
        var scores = AutoencoderEvaluation.Score(model, ds, n, batchSize);
        files.Add(WriteScores(scores, Path.Combine(outDir, "metrics.csv")));
        files.Add(WriteWeights(scores, Path.Combine(outDir, "importance.csv")));
        var summary = new Summary(scores.Count, scores.Average(s => s.Psnr), scores.Average(s => s.Ssim), files);
        File.WriteAllText(Path.Combine(outDir, "summary.json"), JsonSerializer.Serialize(new
        {
            clips = summary.Clips, mean_psnr = summary.MeanPsnr, mean_ssim = summary.MeanSsim, dataset = ds.Name, shape = ds.Shape.ToString(),
            model = model.Config.Name, variant = model.Config.Variant.ToString(),
        }, new JsonSerializerOptions { WriteIndented = true }));
        files.Add(Path.Combine(outDir, "summary.json"));
        return summary;
    }

    /// <summary>Row per clip: the content frame, then the L frames (Figure 7).</summary>
    public static IEnumerable<Tensor> ContentBesideVideo(Tensor content, Tensor videos)
    {
        for (long b = 0; b < videos.shape[0]; b++) yield return cat([content[b].unsqueeze(0), videos[b]], 0);
    }

    /// <summary>Importance weights as pictures [L, 1, H, W]: grey = 1/L (uniform), white = 2/L or more, black = 0.</summary>
    public static IEnumerable<Tensor> ImportanceMaps(Tensor weights, long[] videoShape)
    {
        long l = videoShape[1], h = videoShape[3], w = videoShape[4];
        for (long b = 0; b < weights.shape[0]; b++)
        {
            var m = weights[b].mean([1], keepdim: true).expand(l, 1, h, w); // mean over channels; per-frame weights broadcast
            yield return (m * l - 1).clamp(-1, 1);
        }
    }

    static string Save(SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> image, string path)
    {
        using (image) VideoViews.SavePng(image, path);
        return path;
    }

    static string WriteScores(List<ClipScore> scores, string path)
    {
        var sb = new StringBuilder("clip,label,psnr_db,ssim,caption\n");
        foreach (var s in scores)
            sb.Append(CultureInfo.InvariantCulture, $"{s.Index},{s.Label},{s.Psnr:F4},{s.Ssim:F5},\"{s.Caption.Replace("\"", "'")}\"\n");
        sb.Append(CultureInfo.InvariantCulture, $"mean,,{scores.Average(s => s.Psnr):F4},{scores.Average(s => s.Ssim):F5},\n");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    static string WriteWeights(List<ClipScore> scores, string path)
    {
        var sb = new StringBuilder("clip," + string.Join(",", Enumerable.Range(0, scores[0].FrameWeights.Length).Select(l => $"w{l}")) + "\n");
        foreach (var s in scores)
            sb.Append(s.Index).Append(',').AppendJoin(",", s.FrameWeights.Select(w => w.ToString("F5", CultureInfo.InvariantCulture))).Append('\n');
        File.WriteAllText(path, sb.ToString());
        return path;
    }
}
