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

    /// <summary>The plotly.js version inside Plotly.NET.</summary>
    public static string PlotlyJsVersion => Globals.PLOTLYJS_VERSION;

    /// <summary>The minified plotly.js shipped inside Plotly.NET.dll (about 3.6 MB).</summary>
    public static string PlotlyJs => Cmd.Reports.ChartFiles.PlotlyJs;

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

    /// <summary>Marks the script element of <see cref="PageScript"/>.</summary>
    public const string PageScriptAttribute = "data-workbench-plotly";

    /// <summary>
    /// plotly.js as one script element for a notebook's page (the first cell's output), so every chart after it draws
    /// with no network. AMD's <c>define</c> (require.js in classic Jupyter pages and nbconvert exports) is hidden while
    /// it runs, so plotly.js sets <c>window.Plotly</c>; a page that already has plotly.js keeps it.
    /// </summary>
    public static string PageScript() =>
        $"<script type=\"text/javascript\" {PageScriptAttribute}=\"{PlotlyJsVersion}\">/* plotly.js {PlotlyJsVersion}, inlined from Plotly.NET */\n" +
        "if (!window.Plotly) { (function () { var define = undefined, __define = window.define; window.define = undefined; try {\n" +
        PlotlyJs + "\n} finally { window.define = __define; } })(); }</script>";

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
}
