namespace Workbench.Notebooks.Tests;

public class ParameterTests
{
    const string Cell = "int steps = 1000;\nstring preset = \"small\";\ndouble lr = 1e-4;\nbool fast = false;\nvar name = \"x\";";

    [Fact]
    public void Declared_finds_each_name_with_its_type()
    {
        var d = NotebookParameters.Declared(Cell);
        Assert.Equal(["steps", "preset", "lr", "fast", "name"], d.Keys.ToArray());
        Assert.Equal("int", d["steps"]);
        Assert.Equal("string", d["preset"]);
    }

    [Fact]
    public void Values_become_typed_assignments()
    {
        var values = NotebookParameters.Parse(["steps=200", "preset=tiny", "lr=0.5", "fast=true", "name=a\"b"]);
        var code = NotebookParameters.ToCode(values, NotebookParameters.Declared(Cell), "nb");
        Assert.Contains("steps = 200;", code);
        Assert.Contains("preset = @\"tiny\";", code);
        Assert.Contains("lr = 0.5;", code);
        Assert.Contains("fast = true;", code);
        Assert.Contains("name = @\"a\"\"b\";", code);
    }

    [Theory]
    [InlineData("steps=abc", "declared int but got 'abc'")]
    [InlineData("unknown=1", "parameter 'unknown' is not declared")]
    public void Bad_values_are_named(string item, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => NotebookParameters.ToCode(NotebookParameters.Parse([item]), NotebookParameters.Declared(Cell), "nb"));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=3")]
    [InlineData("1x=3")]
    public void Malformed_items_are_rejected(string item) =>
        Assert.Throws<ArgumentException>(() => NotebookParameters.Parse([item]));

    [Fact]
    public void Host_provided_references_become_comments_others_stay()
    {
        var code = "#r \"nuget: TorchSharp-cpu, 0.107.0\"\n#r \"nuget: Plotly.NET.Interactive, 6.0.0\"\n#r \"../src/x/bin/Release/net10.0/Cmd.dll\"\n#r \"nuget: Humanizer, 2.14.1\"\nvar a = 1;";
        var lines = HostProvided.Rewrite(code).Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("// provided by the workbench runner: #r \"nuget: TorchSharp-cpu", lines[0]);
        Assert.StartsWith("// provided", lines[1]);
        Assert.StartsWith("// provided", lines[2]);
        Assert.Equal("#r \"nuget: Humanizer, 2.14.1\"", lines[3]);
        Assert.Equal("var a = 1;", lines[4]);
    }
}
