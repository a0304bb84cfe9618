using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using SixLabors.ImageSharp;

namespace Workbench.Notebooks;

/// <summary>
/// Output formatters for the workbench's types, registered by the runner (and by the first cell of every
/// notebook under Polyglot Notebooks): Plotly charts that draw offline, ImageSharp images as <c>image/png</c>
/// (multi-frame images, i.e. videos, as an inline animated GIF), and <see cref="InlineImage"/>.
/// </summary>
public static class Formatters
{
    static int registered;

    /// <summary>Registers the formatters once per process; later calls do nothing.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        RegisterNow();
    }

    /// <summary>Registers again (after another extension replaced ours, e.g. Plotly.NET.Interactive's).</summary>
    public static void RegisterNow()
    {
        // Values get HTML (notebook UIs) and plain text (GitHub, terminals, diffs).
        Formatter.SetPreferredMimeTypesFor(typeof(object), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        Formatter.Register<GenericChart>((chart, writer) => writer.Write(PlotlyOffline.ChartHtml(chart)), HtmlFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(GenericChart), HtmlFormatter.MimeType);

        // Images are image/png (GitHub and Jupyter render it; a multi-frame image shows its first frame):
        // show a video with Media.Animated(image), an inline animated GIF.
        Formatter.Register<Image>((image, writer) => writer.Write(Convert.ToBase64String(Media.Png(image))), "image/png");
        Formatter.Register<Image>((image, writer) => writer.Write($"{image.GetType().Name} {image.Width}x{image.Height}, {image.Frames.Count} frame(s)"), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(Image), "image/png", PlainTextFormatter.MimeType);

        Formatter.Register<ResultTable>((t, writer) => writer.Write(t.ToHtml()), HtmlFormatter.MimeType);
        Formatter.Register<ResultTable>((t, writer) => writer.Write(t.ToMarkdown()), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(ResultTable), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        Formatter.Register<InlineImage>((img, writer) => writer.Write(Media.ImgTag(img.Bytes, img.MimeType, img.Caption)), HtmlFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(InlineImage), HtmlFormatter.MimeType);
    }
}
