using System.Net;
using System.Text;
using Markdig;
using Microsoft.DotNet.Interactive.Documents;

namespace Workbench.Notebooks;

/// <summary>
/// A self-contained HTML report of an executed notebook: markdown rendered, code with its outputs, images
/// inlined as data URIs, and plotly.js inlined once in the page when a chart is present, so the file opens
/// and draws with no network.
/// </summary>
public static class HtmlReport
{
    public sealed record RunInfo(string Notebook, IReadOnlyList<KeyValuePair<string, string>> Parameters, IReadOnlyList<CellRun> Cells, string? Error, double Seconds);

    static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
        .cell { margin: 1.2em 0; }
        .code pre.src { background: #f6f8fa; border: 1px solid #ddd; padding: .6em; overflow-x: auto; }
        .label { color: #888; font-size: .8em; font-family: monospace; }
        .output { margin: .4em 0 .4em 1.5em; overflow-x: auto; }
        pre.stream { margin: 0; white-space: pre-wrap; }
        pre.stderr { color: #a40; }
        pre.error { color: #b00; background: #fff0f0; border: 1px solid #e99; padding: .6em; white-space: pre-wrap; }
        .summary { border: 1px solid #ccc; padding: .6em 1em; background: #fafafa; }
        .failed { color: #b00; font-weight: bold; }
        table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 2px 6px; }
        """;

    public static string Render(InteractiveDocument document, RunInfo info)
    {
        var body = new StringBuilder();
        var seconds = info.Cells.Where(c => c.Cell > 0).ToDictionary(c => c.Cell, c => c.Seconds);
        body.Append("<div class=\"summary\">")
            .Append($"<b>{Enc(info.Notebook)}</b> executed {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by <code>workbench notebook run</code> in {info.Seconds:F1} s; ")
            .Append(info.Parameters.Count == 0 ? "default parameters" : "parameters " + string.Join(", ", info.Parameters.Select(p => $"<code>{Enc(p.Key)}={Enc(p.Value)}</code>")))
            .Append(info.Error is null ? ". <b>All cells succeeded.</b>" : $"<p class=\"failed\">{Enc(info.Error)}</p>")
            .Append("</div>\n");
        for (var i = 0; i < document.Elements.Count; i++)
        {
            var e = document.Elements[i];
            if (e.KernelName is "markdown" or "md")
            {
                body.Append("<div class=\"cell markdown\">").Append(Markdig.Markdown.ToHtml(e.Contents, Markdown)).Append("</div>\n");
                continue;
            }
            var number = NotebookRunner.CellNumber(document, i);
            var injected = NotebookFile.Tags(e).Contains(NotebookParameters.InjectedTag);
            var time = seconds.TryGetValue(number, out var s) && !injected ? $" &middot; {s:F2} s" : e.ExecutionOrder > 0 ? "" : " &middot; not run";
            body.Append($"<div class=\"cell code\"><div class=\"label\">In [{(e.ExecutionOrder > 0 ? e.ExecutionOrder : ' ')}] {(injected ? "injected parameters" : $"cell {number}")}{time}</div>")
                .Append($"<pre class=\"src\"><code>{Enc(e.Contents)}</code></pre>");
            foreach (var o in e.Outputs) body.Append("<div class=\"output\">").Append(Output(o)).Append("</div>");
            body.Append("</div>\n");
        }
        var html = body.ToString();
        // plotly.js once per page: in the head, unless the notebook's first cell already put it on the page.
        var plotly = html.Contains("Plotly.newPlot", StringComparison.Ordinal) && !html.Contains(PlotlyOffline.PageScriptAttribute, StringComparison.Ordinal)
            ? $"<script type=\"text/javascript\">/* plotly.js {PlotlyOffline.PlotlyJsVersion}, inlined from Plotly.NET */\n{PlotlyOffline.PlotlyJs}</script>\n"
            : "";
        return $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Enc(info.Notebook)}</title>\n<style>{Style}</style>\n{plotly}</head>\n<body>\n{html}</body></html>\n";
    }

    public static void Write(InteractiveDocument document, string path, RunInfo info)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, Render(document, info));
        File.Move(tmp, path, overwrite: true);
    }

    static string Output(InteractiveDocumentOutputElement o) => o switch
    {
        TextElement t => $"<pre class=\"stream {Enc(t.Name)}\">{Enc(t.Text)}</pre>",
        ErrorElement err => $"<pre class=\"error\">{Enc(err.ErrorName)}: {Enc(err.ErrorValue)}</pre>",
        DisplayElement d => Data(d.Data),
        ReturnValueElement r => Data(r.Data),
        _ => "",
    };

    /// <summary>The richest representation: HTML, then images, then plain text.</summary>
    static string Data(IDictionary<string, object> data)
    {
        string? Get(string mime) => data.TryGetValue(mime, out var v) ? v as string ?? v?.ToString() : null;
        if (Get("text/html") is { } html) return html;
        foreach (var mime in new[] { "image/png", "image/gif", "image/jpeg" })
            if (Get(mime) is { } b64) return $"<img src=\"data:{mime};base64,{b64.Trim()}\" style=\"image-rendering: pixelated; max-width: 100%;\"/>";
        if (Get("text/markdown") is { } md) return Markdig.Markdown.ToHtml(md, Markdown);
        if (Get("text/plain") is { } text) return $"<pre class=\"stream\">{Enc(text)}</pre>";
        return "";
    }

    static string Enc(string s) => WebUtility.HtmlEncode(s);
}
