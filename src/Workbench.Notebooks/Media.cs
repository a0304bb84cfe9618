using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp;

namespace Workbench.Notebooks;

/// <summary>Encodes the workbench's images and videos for notebook outputs: PNG for a still, animated GIF for a video.</summary>
public static class Media
{
    /// <summary>PNG bytes of a still image (the first frame).</summary>
    public static byte[] Png(Image image)
    {
        using var ms = new MemoryStream();
        if (image.Frames.Count > 1)
        {
            using var first = image.Frames.CloneFrame(0);
            first.Save(ms, new PngEncoder());
        }
        else image.Save(ms, new PngEncoder());
        return ms.ToArray();
    }

    /// <summary>Animated GIF bytes of a multi-frame image (frame delays as set on the image's frames).</summary>
    public static byte[] Gif(Image image)
    {
        using var ms = new MemoryStream();
        image.Save(ms, new GifEncoder());
        return ms.ToArray();
    }

    /// <summary>A multi-frame image (a video) as an inline animated GIF output.</summary>
    public static InlineImage Animated(Image video, string? caption = null) =>
        new(Gif(video), "image/gif", caption ?? $"{video.Width}x{video.Height}, {video.Frames.Count} frames");

    /// <summary>An &lt;img&gt; tag with the bytes inlined as a data URI.</summary>
    public static string ImgTag(byte[] bytes, string mime, string? alt = null) =>
        $"<img src=\"data:{mime};base64,{Convert.ToBase64String(bytes)}\" alt=\"{System.Net.WebUtility.HtmlEncode(alt ?? "")}\" style=\"image-rendering: pixelated; max-width: 100%;\"/>";
}

/// <summary>Raw animated-GIF (or other image) bytes to show inline in a notebook: <c>display(new InlineImage(bytes, "image/gif"))</c>.</summary>
public sealed record InlineImage(byte[] Bytes, string MimeType = "image/png", string? Caption = null)
{
    public static InlineImage FromFile(string path) => new(File.ReadAllBytes(path),
        Path.GetExtension(path).ToLowerInvariant() switch { ".gif" => "image/gif", ".jpg" or ".jpeg" => "image/jpeg", _ => "image/png" },
        Path.GetFileName(path));
}
