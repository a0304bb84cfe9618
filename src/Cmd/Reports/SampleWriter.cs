using Cmd.Data;
using Cmd.IO;
using Cmd.Viz;
using static TorchSharp.torch;

namespace Cmd.Reports;

/// <summary>Writes sampled content frames and videos: a PNG grid of content frames, a PNG with one video per row, a GIF per video,
/// an MP4 per video when ffmpeg is there (<see cref="VideoViews.SaveMp4"/>), and the tensors (videos, content frames, z, labels) as safetensors, which
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
            if (Ffmpeg.Available) mp4s.Add(VideoViews.SaveMp4(videos[i], Path.ChangeExtension(gif, ".mp4"), fps, scale * 2));
        }
        return new Written(contentGrid, videoGrid, gifs, mp4s, tensors);
    }
}
