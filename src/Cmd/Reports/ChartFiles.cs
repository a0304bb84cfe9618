using System.Diagnostics;
using System.Net;
using Plotly.NET;

namespace Cmd.Reports;

/// <summary>
/// Charts as files people read without a network: one HTML page with plotly.js inlined once (the copy inside
/// Plotly.NET.dll), and each chart as a PNG drawn by headless Chromium (so the page reads on GitHub). Chromium runs with
/// every host name unresolvable, so a chart that needed the network would stay blank rather than fetch anything.
/// </summary>
public static class ChartFiles
{
    static readonly Lazy<string> Script = new(LoadScript);

    /// <summary>The plotly.js inside Plotly.NET.dll, escaped for an inline script tag (charts that draw offline).</summary>
    public static string PlotlyJs => Script.Value;

    /// <summary>A standalone HTML page with the charts one below the other.</summary>
    public static string Page(string title, IEnumerable<GenericChart> charts, string style = "")
    {
        var body = string.Join("\n", charts.Select(GenericChart.toChartHTML));
        return $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title>\n" +
               $"<style>body {{ margin: 0; }} {style}</style>\n" +
               $"<script type=\"text/javascript\">{PlotlyJs}</script></head>\n<body>\n{body}\n</body></html>\n";
    }

    /// <summary>Writes <see cref="Page"/> atomically.</summary>
    public static void SavePage(string path, string title, IEnumerable<GenericChart> charts)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path + ".tmp", Page(title, charts));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The Chromium program: $CHROMIUM, else chromium on the PATH.</summary>
    public static string Chromium => Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } c ? c : "chromium";

    /// <summary>
    /// Draws one chart to a PNG of <paramref name="width"/> x <paramref name="height"/> pixels with headless Chromium.
    /// Returns false, and says why through <paramref name="warn"/>, when Chromium is missing or fails.
    /// </summary>
    public static bool SavePng(GenericChart chart, string path, int width, int height, Action<string>? warn = null)
    {
        var work = Path.Combine(Path.GetTempPath(), $"wb-chart-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var html = Path.Combine(work, "chart.html");
            File.WriteAllText(html, Page(Path.GetFileNameWithoutExtension(path), [chart], ".modebar-container { display: none; }"));
            var info = new ProcessStartInfo(Chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", $"--user-data-dir={Path.Combine(work, "profile")}",
                "--host-resolver-rules=MAP * ~NOTFOUND", $"--window-size={width},{height}", "--virtual-time-budget=15000",
                $"--screenshot={Path.GetFullPath(path)}", new Uri(html).AbsoluteUri,
            }) info.ArgumentList.Add(a);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using var p = Process.Start(info)!;
            var stderr = p.StandardError.ReadToEndAsync();
            _ = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                p.Kill(entireProcessTree: true);
                warn?.Invoke($"chromium took over 2 minutes to draw {path}; no PNG");
                return false;
            }
            if (p.ExitCode != 0 || !File.Exists(path))
            {
                warn?.Invoke($"chromium could not draw {path} (exit {p.ExitCode}): {stderr.Result.Split('\n').FirstOrDefault()}");
                return false;
            }
            return true;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            warn?.Invoke($"{Chromium} not found: no PNG charts (apt-get install chromium, or set CHROMIUM)");
            return false;
        }
        finally { try { Directory.Delete(work, recursive: true); } catch (IOException) { } }
    }

    static string LoadScript()
    {
        var asm = typeof(GenericChart).Assembly;
        var name = asm.GetManifestResourceNames().FirstOrDefault(n => n.StartsWith("Plotly.NET.plotly-") && n.EndsWith(".min.js"))
            ?? throw new InvalidOperationException("Plotly.NET.dll carries no plotly.js resource");
        using var stream = asm.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("</script", "<\\/script"); // a literal "</script>" would end the tag early
    }
}
