using System.Globalization;
using System.Text;
using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using Microsoft.FSharp.Core;
using Plotly.NET.CSharp;
using Plotly.NET;
using PChart = Plotly.NET.CSharp.Chart;

namespace Cmd.Reports;

/// <summary>`workbench fvd sanity`: the detector's sanity curves (<see cref="FvdSanity"/>) as CSV and an offline chart.</summary>
public static class FvdSanityReport
{
    /// <summary>Writes the curve as CSV and as an offline Plotly chart (plotly.js inlined): returns the HTML path.</summary>
    public static string Write(FvdSanity.Report r, string directory, string name = "fvd-local-sanity")
    {
        Directory.CreateDirectory(directory);
        var csv = new StringBuilder("kind,level,fvd\n");
        foreach (var p in r.Points) csv.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{p.Kind.ToString().ToLowerInvariant()},{p.Level},{p.Fvd:R}"));
        File.WriteAllText(Path.Combine(directory, name + ".csv"), csv.ToString());

        var charts = Enum.GetValues<CorruptionKind>().Select(kind =>
        {
            var pts = r.Points.Where(p => p.Kind == kind).OrderBy(p => p.Level).ToList();
            return PChart.Line<double, double, string>(pts.Select(p => p.Level), pts.Select(p => p.Fvd),
                    Name: kind.ToString().ToLowerInvariant(), ShowMarkers: true)
                .WithXAxisStyle<double, double, string>(TitleText: VideoCorruptions.Unit(kind))
                .WithYAxisStyle<double, double, string>(TitleText: r.Protocol);
        }).ToList();
        string title = string.Create(CultureInfo.InvariantCulture,
            $"{r.Protocol} sanity: detector {r.Detector}, {r.Clips} vs {r.Clips} clips; real vs real = {r.RealVsReal:F3}");
        var chart = PChart.Grid(charts, 1, 3).WithSize(1200, 450);
        chart = Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
        var options = DisplayOptions.init(null, null, null, null, null, null, FSharpOption<PlotlyJSReference>.Some(PlotlyJSReference.Full)); // None = null;
        chart = GenericChart.setDisplayOptions(options, chart);
        string html = Path.Combine(directory, name + ".html");
        File.WriteAllText(html, GenericChart.toEmbeddedHTML(chart));
        return html;
    }
}
