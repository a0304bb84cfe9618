using System.Diagnostics;
using Cmd.IO;
using Cmd.Viz;
using static TorchSharp.torch;

namespace Cmd.Reports;

/// <summary>Writes sampled content frames and videos: a PNG grid of content frames, a PNG with one video per row, a GIF per video,
/// an MP4 per video when ffmpeg is on PATH, and the tensors (videos, content frames, z, labels) as safetensors, which
/// `workbench fvd local --fake` and `workbench clipsim` read.</summary>
public static class SampleWriter
{
    public sealed record Written(string ContentGrid, string VideoGrid, IReadOnlyList<string> Gifs, IReadOnlyList<string> Mp4s, string Tensors);

    public static Written Write(string dir, Tensor contentFrames, Tensor videos, IReadOnlyList<long> labels, Tensor? z = null, string prefix = "sample", int scale = 2, double fps = 8)
    {
        Directory.CreateDirectory(dir);
        var tensors = Path.Combine(dir, $"{prefix}s.safetensors");
        var named = new Dictionary<string, Tensor> { ["videos"] = videos, ["content"] = contentFrames, ["label"] = tensor(labels.ToArray()) };
        if (z is not null) named["z"] = z;
        SafeTensors.Save(tensors, named, new Dictionary<string, string> { ["kind"] = "cmd-samples" });
        named["label"].Dispose();
        var n = (int)videos.shape[0];
        var contentGrid = Path.Combine(dir, $"{prefix}_content.png");
        using (var img = VideoViews.Rows([contentFrames], scale: scale))
            VideoViews.SavePng(img, contentGrid);
        var videoGrid = Path.Combine(dir, $"{prefix}_videos.png");
        using (var img = VideoViews.Rows(Enumerable.Range(0, n).Select(i => videos[i]), scale: scale))
            VideoViews.SavePng(img, videoGrid);
        var gifs = new List<string>(); var mp4s = new List<string>();
        for (int i = 0; i < n; i++)
        {
            var gif = Path.Combine(dir, $"{prefix}_{i:D2}_class{labels[i]}.gif");
            VideoViews.SaveGif(videos[i], gif, fps, scale);
            gifs.Add(gif);
            var mp4 = Path.ChangeExtension(gif, ".mp4");
            if (TryWriteMp4(videos[i], mp4, fps, scale)) mp4s.Add(mp4);
        }
        return new Written(contentGrid, videoGrid, gifs, mp4s, tensors);
    }

    /// <summary>Encodes a video [L, C, H, W] in [-1, 1] to H.264 MP4 with ffmpeg; false when ffmpeg is missing or fails.</summary>
    public static bool TryWriteMp4(Tensor video, string path, double fps = 8, int scale = 2)
    {
        int h = (int)video.shape[2], w = (int)video.shape[3];
        var bytes = VideoViews.Rgb24Bytes(video);
        var psi = new ProcessStartInfo("ffmpeg", ["-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{w}x{h}", "-r", fps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-i", "-", "-vf", $"scale={w * scale * 2}:{h * scale * 2}:flags=neighbor", "-pix_fmt", "yuv420p", "-c:v", "libx264", path])
        { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        try
        {
            using var p = Process.Start(psi);
            if (p is null) return false;
            p.StandardInput.BaseStream.Write(bytes);
            p.StandardInput.Close();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 && File.Exists(path);
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }
}
