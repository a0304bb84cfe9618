using Cmd.Data;
using Cmd.IO;
using Cmd.Viz;
using static TorchSharp.torch;

namespace Cmd.Reports;

/// <summary>
/// Writes sampled content frames and videos, grouped by class: a PNG of content frames and a PNG of videos (first,
/// middle and last frame of each) with a row per class, an animated class sheet (GIF, and MP4 when ffmpeg is there,
/// <see cref="VideoViews.SaveMp4"/>), a GIF/MP4 for the first videos of each class, and the tensors (videos, content
/// frames, z, labels) as safetensors, which `workbench eval samples`, `fvd local --fake` and `clipsim` read.
/// </summary>
public static class SampleWriter
{
    /// <summary>Videos per class row in the PNGs and the animated sheet.</summary>
    public const int SheetPerClass = 10;

    /// <summary>Videos per class written as their own GIF (and MP4).</summary>
    public const int FilesPerClass = 2;

    public sealed record Written(string ContentGrid, string VideoGrid, string Sheet, IReadOnlyList<string> Gifs,
        IReadOnlyList<string> Mp4s, string Tensors);

    public static Written Write(string dir, Tensor contentFrames, Tensor videos, IReadOnlyList<long> labels,
        Tensor? z = null, string prefix = "sample", int scale = 2, double fps = 8, ScalarType? storage = null)
    {
        Directory.CreateDirectory(dir);
        var tensors = SaveTensors(Path.Combine(dir, $"{prefix}s.safetensors"), contentFrames, videos, labels, z, storage);
        var byClass = ByClass(labels);
        var sheetIndex = byClass.Select(g => g.Take(SheetPerClass).ToArray()).ToArray();
        var contentGrid = Path.Combine(dir, $"{prefix}_content.png");
        using (var scope = NewDisposeScope())
        using (var img = VideoViews.Rows(sheetIndex.Select(g => contentFrames.index_select(0, tensor(g))), scale))
            VideoViews.SavePng(img, contentGrid);
        var videoGrid = Path.Combine(dir, $"{prefix}_videos.png");
        using (var scope = NewDisposeScope())
        using (var img = VideoViews.Rows(sheetIndex.Select(g => KeyFrames(videos, g)), scale))
            VideoViews.SavePng(img, videoGrid);
        var sheet = WriteSheet(Path.Combine(dir, $"{prefix}_sheet.gif"), videos, sheetIndex, fps, scale);
        var gifs = new List<string>(); var mp4s = new List<string>();
        foreach (var i in byClass.SelectMany(g => g.Take(FilesPerClass)).Order())
        {
            var gif = Path.Combine(dir, $"{prefix}_{i:D2}_class{labels[(int)i]}.gif");
            using var video = videos[i];
            VideoViews.SaveGif(video, gif, fps, scale);
            gifs.Add(gif);
            if (Ffmpeg.Available) mp4s.Add(VideoViews.SaveMp4(video, Path.ChangeExtension(gif, ".mp4"), fps, scale * 2));
        }
        return new Written(contentGrid, videoGrid, sheet, gifs, mp4s, tensors);
    }

    /// <summary>The tensors file; <paramref name="storage"/> (e.g. float16, which the readers upcast) halves a large one.</summary>
    static string SaveTensors(string path, Tensor contentFrames, Tensor videos, IReadOnlyList<long> labels, Tensor? z,
        ScalarType? storage)
    {
        using var scope = NewDisposeScope();
        Tensor Stored(Tensor t) => storage is ScalarType s ? t.to_type(s) : t;
        var label = tensor(labels.ToArray());
        var named = new Dictionary<string, Tensor>
            { ["videos"] = Stored(videos), ["content"] = Stored(contentFrames), ["label"] = label };
        if (z is not null) named["z"] = Stored(z);
        SafeTensors.Save(path, named, new Dictionary<string, string> { ["kind"] = "cmd-samples" });
        return path;
    }

    /// <summary>Sample indices grouped by label, classes in order of first appearance.</summary>
    static List<List<long>> ByClass(IReadOnlyList<long> labels) =>
        Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).Select(g => g.Select(i => (long)i).ToList()).ToList();

    /// <summary>One row of the video PNG: the first, middle and last frame of each given video, side by side.</summary>
    static Tensor KeyFrames(Tensor videos, long[] index)
    {
        long length = videos.shape[1];
        var frames = tensor(new[] { 0, length / 2, length - 1 }.Distinct().ToArray());
        var picked = videos.index_select(0, tensor(index)).index_select(1, frames);
        return picked.reshape(-1, videos.shape[2], videos.shape[3], videos.shape[4]);
    }

    /// <summary>The class sheet as one animated video (a row per class) to GIF, and to MP4 beside it when possible.</summary>
    static string WriteSheet(string gif, Tensor videos, long[][] sheetIndex, double fps, int scale)
    {
        using var scope = NewDisposeScope();
        int columns = sheetIndex.Max(g => g.Length);
        var cells = new List<Tensor>();
        foreach (var g in sheetIndex)
            for (int c = 0; c < columns; c++)
                cells.Add(c < g.Length ? videos[g[c]] : -ones_like(videos[0]));
        var tiled = VideoViews.Tile(cells, columns);
        VideoViews.SaveGif(tiled, gif, fps, scale);
        if (Ffmpeg.Available) VideoViews.SaveMp4(tiled, Path.ChangeExtension(gif, ".mp4"), fps, scale);
        return gif;
    }
}
