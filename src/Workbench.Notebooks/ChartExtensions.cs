using Plotly.NET;

namespace Workbench.Notebooks;

/// <summary>What Plotly.NET.CSharp 0.14 lacks for the notebooks' charts (its F# core has it, curried).</summary>
public static class ChartExtensions
{
    /// <summary>Sets the chart's title.</summary>
    public static GenericChart WithTitle(this GenericChart chart, string title) =>
        Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
}
