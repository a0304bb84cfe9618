using System.Text.RegularExpressions;
using Plotly.NET;

namespace Workbench.Notebooks;

/// <summary>
/// Charts that draw with no network. A chart's cell output is Plotly.NET's own chart HTML
/// (<c>GenericChart.toChartHTML</c>: a div and a script calling <c>Plotly.newPlot</c>); its call is wrapped so
/// it draws at once when plotly.js is on the page (the HTML report inlines it once per page from the copy
/// inside Plotly.NET.dll) and otherwise (Jupyter, Polyglot Notebooks) loads plotly.js first.
/// </summary>
public static class PlotlyOffline
{
    static readonly Regex RenderCall = new(@"^(renderPlotly_\w+)\(\);\s*$", RegexOptions.Multiline | RegexOptions.Compiled);
    static readonly Lazy<string> Script = new(LoadScript);

    /// <summary>The plotly.js version inside Plotly.NET.</summary>
    public static string PlotlyJsVersion => Globals.PLOTLYJS_VERSION;

    /// <summary>The minified plotly.js shipped inside Plotly.NET.dll (about 3.6 MB).</summary>
    public static string PlotlyJs => Script.Value;

    /// <summary>A chart as a fragment of HTML that needs plotly.js on the page, or loads it when absent.</summary>
    public static string ChartHtml(GenericChart chart)
    {
        var html = GenericChart.toChartHTML(chart);
        var fragment = RenderCall.Replace(html, m =>
            $"if (window.Plotly) {{ {m.Groups[1].Value}(); }} else {{ var s = document.createElement('script'); " +
            $"s.src = 'https://cdn.plot.ly/plotly-{PlotlyJsVersion}.min.js'; s.onload = {m.Groups[1].Value}; document.head.appendChild(s); }}", 1);
        if (ReferenceEquals(fragment, html) || fragment == html)
            throw new InvalidOperationException("Plotly.NET's chart HTML changed shape: no renderPlotly call found");
        return fragment;
    }

    /// <summary>A complete standalone HTML page with plotly.js inlined: opens offline anywhere.</summary>
    public static string StandalonePage(GenericChart chart, string title = "chart") =>
        $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{System.Net.WebUtility.HtmlEncode(title)}</title>\n" +
        $"<script type=\"text/javascript\">{PlotlyJs}</script></head>\n<body>\n{ChartHtml(chart)}\n</body></html>\n";

    /// <summary>Writes <see cref="StandalonePage"/> to a file (atomically), creating its folder.</summary>
    public static void SaveHtml(GenericChart chart, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, StandalonePage(chart, Path.GetFileNameWithoutExtension(path)));
        File.Move(tmp, path, overwrite: true);
    }

    static string LoadScript()
    {
        var asm = typeof(GenericChart).Assembly;
        var name = asm.GetManifestResourceNames().FirstOrDefault(n => n.StartsWith("Plotly.NET.plotly-") && n.EndsWith(".min.js"))
            ?? throw new InvalidOperationException("Plotly.NET.dll carries no plotly.js resource");
        using var stream = asm.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        // A literal "</script>" inside the inlined script would end the tag early.
        return reader.ReadToEnd().Replace("</script", "<\\/script");
    }
}
