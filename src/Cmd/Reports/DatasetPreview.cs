using Cmd.Data;
using Cmd.Viz;

namespace Cmd.Reports;

/// <summary>`workbench data preview`: the first clips of a dataset as a PNG (one clip per row), optionally tiled into a GIF or MP4.</summary>
public static class DatasetPreview
{
    public sealed record Row(int Label, string Caption, string Source);
    public sealed record Written(string Png, int Width, int Height, IReadOnlyList<Row> Rows, IReadOnlyList<string> Animations);

    public static Written Write(IVideoDataset ds, int clips, string png, int scale = 2, string? gif = null, string? mp4 = null)
    {
        int n = Math.Min(clips, ds.Count);
        var loaded = Enumerable.Range(0, n).Select(ds.Get).ToList();
        try
        {
            using var image = VideoViews.Rows(loaded.Select(v => v.Frames), scale: scale);
            VideoViews.SavePng(image, png);
            var animations = new List<string>();
            if (gif is not null || mp4 is not null)
            {
                using var tiled = VideoViews.Tile(loaded.Select(v => v.Frames).ToList(), columns: Math.Min(n, 4));
                if (gif is not null) { VideoViews.SaveGif(tiled, gif, scale: scale); animations.Add(gif); }
                if (mp4 is not null) animations.Add(VideoViews.SaveMp4(tiled, mp4, scale: scale));
            }
            return new Written(png, image.Width, image.Height, loaded.Select(v => new Row(v.Label, v.Caption, v.Source)).ToList(), animations);
        }
        finally { loaded.ForEach(v => v.Dispose()); }
    }
}
