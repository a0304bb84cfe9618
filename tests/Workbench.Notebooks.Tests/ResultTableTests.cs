using Workbench.Notebooks;

namespace Workbench.Notebooks.Tests;

/// <summary>ResultTable: the CSV, Markdown and HTML a notebook writes, cell by cell.</summary>
public class ResultTableTests
{
    static ResultTable Sample() => new ResultTable("FVD | local", "variant", "FVD", "clips", "note")
        .Add("paper", 123.456789, 64, "a, \"quoted\" note")
        .Add("official-code", 0.000123, 64L, null)
        .Add("floor", 2.5e6, 128, "line\nbreak");

    [Fact]
    public void CsvQuotesCellsAndFormatsNumbersInvariantly()
    {
        var lines = Sample().ToCsv().Split(Environment.NewLine);
        Assert.Equal("variant,FVD,clips,note", lines[0]);
        Assert.Equal("paper,123.4568,64,\"a, \"\"quoted\"\" note\"", lines[1]);
        Assert.Equal("official-code,0.000123,64,", lines[2]);
        Assert.Equal("floor,2.5E+06,128,\"line", lines[3]);
        Assert.Equal("break\"", lines[4]);
    }

    [Fact]
    public void MarkdownEscapesPipesAndNewlines()
    {
        var md = Sample().ToMarkdown().Split(Environment.NewLine);
        Assert.Equal("**FVD | local**", md[0]);
        Assert.Equal("| variant | FVD | clips | note |", md[2]);
        Assert.Equal("|---|---|---|---|", md[3]);
        Assert.Equal("| floor | 2.5E+06 | 128 | line break |", md[6]);
        Assert.Equal("| x \\| y | 1 |", new ResultTable("t", "a", "b").Add("x | y", 1).ToMarkdown().Split(Environment.NewLine)[4]);
    }

    [Fact]
    public void HtmlEncodesTitleAndCells()
    {
        var html = new ResultTable("<b>", "a").Add("x & y").ToHtml();
        Assert.Equal("<table><caption>&lt;b&gt;</caption><thead><tr><th>a</th></tr></thead><tbody><tr><td>x &amp; y</td></tr></tbody></table>", html);
    }

    [Fact]
    public void SaveWritesBothFilesAndBadRowsAreClearErrors()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wb-table-" + Guid.NewGuid().ToString("N")[..8]);
        var t = Sample();
        var (csv, md) = t.Save(dir, "fvd");
        Assert.Equal(t.ToCsv(), File.ReadAllText(csv));
        Assert.Equal(t.ToMarkdown(), File.ReadAllText(md));
        var e = Assert.Throws<ArgumentException>(() => t.Add("too", "few"));
        Assert.Equal("table 'FVD | local': row has 2 values for 4 columns (variant, FVD, clips, note)", e.Message);
        Assert.Throws<ArgumentException>(() => new ResultTable("empty"));
        Assert.Equal(3, t.Rows.Count);
    }
}
