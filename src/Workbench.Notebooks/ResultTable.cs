using System.Globalization;
using System.Net;
using System.Text;

namespace Workbench.Notebooks;

/// <summary>
/// A results table as notebooks write it into results/&lt;notebook&gt;/: CSV (for machines) and Markdown (for
/// READMEs and reports), and an HTML table when shown in a cell. Numbers are written with the invariant culture.
/// </summary>
public sealed class ResultTable(string title, params string[] columns)
{
    readonly List<object?[]> rows = [];

    public string Title { get; } = title;
    public IReadOnlyList<string> Columns { get; } = columns.Length > 0 ? columns : throw new ArgumentException("a table needs columns");
    public IReadOnlyList<object?[]> Rows => rows;

    public ResultTable Add(params object?[] values)
    {
        if (values.Length != Columns.Count)
            throw new ArgumentException($"table '{Title}': row has {values.Length} values for {Columns.Count} columns ({string.Join(", ", Columns)})");
        rows.Add(values);
        return this;
    }

    public static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString(Math.Abs(d) >= 1e5 || (d != 0 && Math.Abs(d) < 1e-3) ? "G4" : "0.####", CultureInfo.InvariantCulture),
        float f => Format((double)f),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public string ToCsv()
    {
        static string Cell(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", Columns.Select(Cell)));
        foreach (var r in rows) sb.AppendLine(string.Join(",", r.Select(v => Cell(Format(v)))));
        return sb.ToString();
    }

    public string ToMarkdown()
    {
        static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");
        var sb = new StringBuilder();
        sb.AppendLine($"**{Title}**").AppendLine();
        sb.AppendLine("| " + string.Join(" | ", Columns.Select(Cell)) + " |");
        sb.AppendLine("|" + string.Concat(Columns.Select(_ => "---|")));
        foreach (var r in rows) sb.AppendLine("| " + string.Join(" | ", r.Select(v => Cell(Format(v)))) + " |");
        return sb.ToString();
    }

    public string ToHtml()
    {
        var sb = new StringBuilder($"<table><caption>{WebUtility.HtmlEncode(Title)}</caption><thead><tr>");
        foreach (var c in Columns) sb.Append($"<th>{WebUtility.HtmlEncode(c)}</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var r in rows)
        {
            sb.Append("<tr>");
            foreach (var v in r) sb.Append($"<td>{WebUtility.HtmlEncode(Format(v))}</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>Writes &lt;dir&gt;/&lt;name&gt;.csv and &lt;dir&gt;/&lt;name&gt;.md; returns their paths.</summary>
    public (string Csv, string Markdown) Save(string directory, string name)
    {
        Directory.CreateDirectory(directory);
        var csv = Path.Combine(directory, name + ".csv");
        var md = Path.Combine(directory, name + ".md");
        File.WriteAllText(csv, ToCsv());
        File.WriteAllText(md, ToMarkdown());
        return (csv, md);
    }
}
