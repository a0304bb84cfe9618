using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp;
using static TorchSharp.torch;

namespace Cmd.Viz;

/// <summary>
/// Pictures of videos. Every video is a tensor [L, C, H, W] (C = 1 grey or 3 RGB) with values in [-1, 1]
/// (values outside are clipped). <c>scale</c> enlarges pixels (nearest neighbour) so small frames stay legible.
/// </summary>
public static class VideoViews
{
    static readonly Rgb24 Background = new(255, 255, 255);

    /// <summary>One video as a grid of its frames, <paramref name="columns"/> per row (default: all in one row).</summary>
    public static Image<Rgb24> FrameGrid(Tensor video, int? columns = null, int scale = 1, int padding = 2)
    {
        var frames = Frames(video);
        int cols = Math.Max(1, Math.Min(columns ?? frames.Length, frames.Length));
        int rows = (frames.Length + cols - 1) / cols;
        var cells = new Image<Rgb24>?[rows, cols];
        for (int i = 0; i < frames.Length; i++) cells[i / cols, i % cols] = frames[i];
        return Compose(cells, scale, padding);
    }

    /// <summary>
    /// Several videos one above the other, frame t in column t (e.g. originals over reconstructions). Each element is
    /// [L, C, H, W] or a batch [B, L, C, H, W] (one row per clip). Rows may have different lengths, not sizes.
    /// </summary>
    public static Image<Rgb24> Rows(IEnumerable<Tensor> videos, int scale = 1, int padding = 2)
    {
        var rows = new List<Image<Rgb24>[]>();
        foreach (var v in videos)
        {
            if (v.dim() == 5) for (long b = 0; b < v.shape[0]; b++) { using var clip = v[b]; rows.Add(Frames(clip)); }
            else rows.Add(Frames(v));
        }
        if (rows.Count == 0) throw new ArgumentException("no videos to draw");
        int cols = rows.Max(r => r.Length);
        var cells = new Image<Rgb24>?[rows.Count, cols];
        for (int r = 0; r < rows.Count; r++) for (int c = 0; c < rows[r].Length; c++) cells[r, c] = rows[r][c];
        return Compose(cells, scale, padding);
    }

    /// <summary>Interleaves two batches [B, L, C, H, W] as rows a0, b0, a1, b1, ... (original over reconstruction).</summary>
    public static Image<Rgb24> Comparison(Tensor originals, Tensor reconstructions, int scale = 1, int padding = 2)
    {
        if (!originals.shape.SequenceEqual(reconstructions.shape))
            throw new ArgumentException($"originals [{string.Join(", ", originals.shape)}] and reconstructions [{string.Join(", ", reconstructions.shape)}] differ in shape");
        var list = new List<Tensor>();
        if (originals.dim() == 4) { list.Add(originals); list.Add(reconstructions); }
        else for (long b = 0; b < originals.shape[0]; b++) { list.Add(originals[b]); list.Add(reconstructions[b]); }
        try { return Rows(list, scale, padding); }
        finally { if (originals.dim() == 5) list.ForEach(t => t.Dispose()); }
    }

    /// <summary>PNG file bytes of an image (for notebooks and HTML reports).</summary>
    public static byte[] PngBytes(Image<Rgb24> image)
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    public static void SavePng(Image<Rgb24> image, string path)
    {
        CreateDirectoryFor(path);
        image.SaveAsPng(path);
    }

    /// <summary>Animated GIF of one video [L, C, H, W], looping forever.</summary>
    public static void SaveGif(Tensor video, string path, double fps = 8, int scale = 1)
    {
        var frames = Frames(video);
        try
        {
            int delay = Math.Max(2, (int)Math.Round(100 / fps)); // GIF delays are in 1/100 s
            using var gif = new Image<Rgb24>(frames[0].Width * scale, frames[0].Height * scale);
            gif.Metadata.GetGifMetadata().RepeatCount = 0;
            for (int t = 0; t < frames.Length; t++)
            {
                using var big = Enlarge(frames[t], scale);
                var frame = t == 0 ? gif.Frames.RootFrame : gif.Frames.AddFrame(big.Frames.RootFrame);
                if (t == 0) CopyInto(big, gif);
                frame.Metadata.GetGifMetadata().FrameDelay = delay;
            }
            CreateDirectoryFor(path);
            gif.SaveAsGif(path, new GifEncoder { ColorTableMode = GifColorTableMode.Local });
        }
        finally { foreach (var f in frames) f.Dispose(); }
    }

    /// <summary>
    /// MP4 (H.264, yuv420p) of one video [L, C, H, W] through ffmpeg; odd sizes are padded to even. Returns the path.
    /// </summary>
    public static string SaveMp4(Tensor video, string path, double fps = 8, int scale = 1, TimeSpan? timeout = null)
    {
        CheckVideo(video);
        if (scale < 1) throw new ArgumentException($"scale must be >= 1 (got {scale})");
        int height = (int)video.shape[2], width = (int)video.shape[3];
        var rgb = Rgb24Bytes(video);
        CreateDirectoryFor(path);
        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileNameWithoutExtension(path)}.{Environment.ProcessId}.tmp.mp4");
        var args = new List<string> { "-nostdin", "-hide_banner", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}",
            "-r", fps.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "pipe:0",
            "-vf", $"scale=iw*{scale}:ih*{scale}:flags=neighbor,pad=ceil(iw/2)*2:ceil(ih/2)*2",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", "-movflags", "+faststart", temp };
        try
        {
            var r = Cmd.Data.Ffmpeg.Run(Cmd.Data.Ffmpeg.FfmpegPath, args, timeout ?? TimeSpan.FromMinutes(2), path, stdin: rgb);
            if (r.ExitCode != 0) throw new IOException($"{path}: ffmpeg could not encode the video: {Cmd.Data.Ffmpeg.Summary(r.Stderr)}");
            File.Move(temp, path, overwrite: true);
        }
        finally { if (File.Exists(temp)) File.Delete(temp); }
        return path;
    }

    /// <summary>
    /// Tiles several videos [L, C, H, W] (same size; shorter ones hold their last frame) into one RGB video, row by row,
    /// <paramref name="columns"/> per row, white padding: e.g. originals beside reconstructions, as a GIF or MP4.
    /// </summary>
    public static Tensor Tile(IReadOnlyList<Tensor> videos, int columns, int padding = 2)
    {
        if (videos.Count == 0) throw new ArgumentException("no videos to tile");
        if (columns < 1) throw new ArgumentException($"columns must be >= 1 (got {columns})");
        foreach (var v in videos) CheckVideo(v);
        long h = videos[0].shape[2], w = videos[0].shape[3], length = videos.Max(v => v.shape[0]);
        if (videos.Any(v => v.shape[2] != h || v.shape[3] != w)) throw new ArgumentException("videos to tile differ in frame size");
        using var scope = NewDisposeScope();
        int rows = (videos.Count + columns - 1) / columns;
        var canvas = ones(length, 3, rows * (h + padding) + padding, columns * (w + padding) + padding);
        for (int i = 0; i < videos.Count; i++)
        {
            var v = videos[i].detach().cpu().to_type(ScalarType.Float32).clamp(-1, 1);
            if (v.shape[1] == 1) v = v.expand(-1, 3, -1, -1);
            if (v.shape[0] < length) v = cat([v, v[^1..].expand(length - v.shape[0], -1, -1, -1)], 0);
            long y = padding + (i / columns) * (h + padding), x = padding + (i % columns) * (w + padding);
            canvas[.., .., TensorIndex.Slice(y, y + h), TensorIndex.Slice(x, x + w)] = v;
        }
        return canvas.MoveToOuterDisposeScope();
    }

    /// <summary>8-bit RGB bytes of a video [L, C, H, W] in [-1, 1], frame after frame, row-major (rgb24).</summary>
    public static byte[] Rgb24Bytes(Tensor video)
    {
        CheckVideo(video);
        using var scope = NewDisposeScope();
        var v = video.detach().cpu().to_type(ScalarType.Float32);
        if (v.shape[1] == 1) v = v.expand(-1, 3, -1, -1);
        var bytes = v.clamp(-1, 1).add(1).mul(127.5).round().to_type(ScalarType.Byte).permute(0, 2, 3, 1).contiguous();
        return bytes.data<byte>().ToArray();
    }

    static Image<Rgb24>[] Frames(Tensor video)
    {
        CheckVideo(video);
        int length = (int)video.shape[0], height = (int)video.shape[2], width = (int)video.shape[3];
        var rgb = Rgb24Bytes(video);
        var frames = new Image<Rgb24>[length];
        int size = height * width * 3;
        for (int t = 0; t < length; t++) frames[t] = Image.LoadPixelData<Rgb24>(rgb.AsSpan(t * size, size), width, height);
        return frames;
    }

    static void CheckVideo(Tensor video)
    {
        if (video.dim() != 4 || video.shape[1] is not (1 or 3))
            throw new ArgumentException($"expected a video [L, C, H, W] with C = 1 or 3, got [{string.Join(", ", video.shape)}]");
        if (video.shape[0] == 0) throw new ArgumentException("video has no frames");
    }

    static Image<Rgb24> Compose(Image<Rgb24>?[,] cells, int scale, int padding)
    {
        if (scale < 1) throw new ArgumentException($"scale must be >= 1 (got {scale})");
        try
        {
            int rows = cells.GetLength(0), cols = cells.GetLength(1);
            var first = cells.Cast<Image<Rgb24>?>().First(c => c is not null)!;
            int cw = first.Width * scale, ch = first.Height * scale;
            foreach (var cell in cells)
                if (cell is not null && (cell.Width != first.Width || cell.Height != first.Height))
                    throw new ArgumentException($"frames differ in size: {cell.Width}x{cell.Height} vs {first.Width}x{first.Height}");
            var canvas = new Image<Rgb24>(cols * cw + (cols + 1) * padding, rows * ch + (rows + 1) * padding, Background);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    var cell = cells[r, c];
                    if (cell is null) continue;
                    int x0 = padding + c * (cw + padding), y0 = padding + r * (ch + padding);
                    for (int y = 0; y < ch; y++)
                        for (int x = 0; x < cw; x++)
                            canvas[x0 + x, y0 + y] = cell[x / scale, y / scale];
                }
            return canvas;
        }
        finally { foreach (var cell in cells) cell?.Dispose(); }
    }

    static Image<Rgb24> Enlarge(Image<Rgb24> frame, int scale)
    {
        var big = new Image<Rgb24>(frame.Width * scale, frame.Height * scale);
        for (int y = 0; y < big.Height; y++) for (int x = 0; x < big.Width; x++) big[x, y] = frame[x / scale, y / scale];
        return big;
    }

    static void CopyInto(Image<Rgb24> source, Image<Rgb24> target)
    {
        for (int y = 0; y < source.Height; y++) for (int x = 0; x < source.Width; x++) target[x, y] = source[x, y];
    }

    internal static void CreateDirectoryFor(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
    }
}
