using System.Net;
using System.Text;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Viz;
using static TorchSharp.torch;

namespace Cmd.Reports;

/// <summary>`workbench demo`: the whole pipeline (<see cref="EndToEnd"/>) at a preset, then one HTML page of what it made.</summary>
public static class DemoReport
{
    public sealed record Result(string Page, double AutoencoderLoss, double ContentLoss, double MotionLoss, double Seconds);

    public static Result Run(RunPreset preset, string outDir, Device device, Action<string>? log = null, bool progress = true)
    {
        using var run = EndToEnd.Run(preset, outDir, device, log, progress);
        var page = WritePage(outDir, run);
        return new Result(page, run.AutoencoderRun.MeanLossLast10Percent, run.ContentRun.MeanLossLast10Percent,
            run.MotionRun.MeanLossLast10Percent, run.Seconds);
    }

    /// <summary>Training clips (content frame, video, reconstruction) and the generated samples, as outDir/index.html.</summary>
    public static string WritePage(string dir, EndToEnd.Result run)
    {
        var media = Path.Combine(dir, "media");
        Directory.CreateDirectory(media);
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>CMD workbench demo</title><style>" +
                    "body{font-family:sans-serif;margin:2em}td{padding:4px 10px;text-align:center;vertical-align:middle}" +
                    "img{image-rendering:pixelated}th{font-weight:normal;color:#555}</style></head><body>");
        html.Append("<h1>CMD: content-frame motion-latent decomposition on Moving MNIST</h1>");
        html.Append(Summary(run));
        html.Append(RealClips(media, run));
        html.Append(Generated(media, run.Samples));
        html.Append("</body></html>");
        var page = Path.GetFullPath(Path.Combine(dir, "index.html"));
        File.WriteAllText(page, html.ToString());
        return page;
    }

    const int Scale = 3;

    static string Summary(EndToEnd.Result r) =>
        $"<p>Preset <b>{r.Preset.Name}</b>: {r.Preset.Clips} clips {WebUtility.HtmlEncode(r.Data.Shape.ToString())}; " +
        $"autoencoder {r.Preset.AutoencoderSteps} steps (final loss {r.AutoencoderRun.MeanLossLast10Percent:F4}), " +
        $"content DiT {r.Preset.ContentSteps} steps (loss {r.ContentRun.MeanLossLast10Percent:F4}), " +
        $"motion DiT {r.Preset.MotionSteps} steps (loss {r.MotionRun.MeanLossLast10Percent:F4}); total {r.Seconds / 60:F1} min.</p>";

    static string RealClips(string media, EndToEnd.Result run)
    {
        var html = new StringBuilder("<h2>Training clips: content frame, video, reconstruction</h2><table><tr><th>class</th>" +
                                     "<th>content frame x&#772;</th><th>video</th><th>reconstruction</th></tr>");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var clips = Enumerable.Range(0, 6).Select(run.Data.Get).ToList();
        var device = run.Autoencoder.parameters().First().device;
        var videos = stack(clips.Select(c => c.Frames).ToArray());
        var e = run.Autoencoder.Encode(videos.to(device));
        var recon = run.Autoencoder.Decode(e.ContentFrame, e.Zx, e.Zy).clamp(-1, 1).cpu();
        var content = e.ContentFrame.cpu();
        for (int i = 0; i < clips.Count; i++)
        {
            var (c, v, r) = ($"real_{i}_content.png", $"real_{i}_video.gif", $"real_{i}_recon.gif");
            using (var img = VideoViews.FrameGrid(content[i].unsqueeze(0), scale: Scale)) VideoViews.SavePng(img, Path.Combine(media, c));
            VideoViews.SaveGif(videos[i], Path.Combine(media, v), scale: Scale);
            VideoViews.SaveGif(recon[i], Path.Combine(media, r), scale: Scale);
            html.Append($"<tr><td>{clips[i].Label}</td><td><img src=\"media/{c}\"></td><td><img src=\"media/{v}\"></td><td><img src=\"media/{r}\"></td></tr>");
        }
        foreach (var c in clips) c.Dispose();
        return html.Append("</table>").ToString();
    }

    static string Generated(string media, CmdSampler.Samples samples)
    {
        var html = new StringBuilder("<h2>Generated: class &rarr; content frame &rarr; motion latent &rarr; video</h2><table><tr>" +
                                     "<th>class</th><th>generated content frame</th><th>generated video</th><th>frames</th></tr>");
        for (int i = 0; i < samples.Videos.shape[0]; i++)
        {
            var label = samples.Labels[i].item<long>();
            var (c, v, f) = ($"gen_{i}_content.png", $"gen_{i}_video.gif", $"gen_{i}_frames.png");
            using (var img = VideoViews.FrameGrid(samples.ContentFrames[i].unsqueeze(0), scale: Scale)) VideoViews.SavePng(img, Path.Combine(media, c));
            VideoViews.SaveGif(samples.Videos[i], Path.Combine(media, v), scale: Scale);
            using (var img = VideoViews.FrameGrid(samples.Videos[i], scale: 1)) VideoViews.SavePng(img, Path.Combine(media, f));
            html.Append($"<tr><td>{label}</td><td><img src=\"media/{c}\"></td><td><img src=\"media/{v}\"></td><td><img src=\"media/{f}\"></td></tr>");
        }
        return html.Append("</table>").ToString();
    }
}
