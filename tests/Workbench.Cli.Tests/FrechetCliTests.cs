using System.Text.Json;

namespace Workbench.Cli.Tests;

/// <summary>`workbench frechet A B` against scipy's value in the committed fixture.</summary>
public class FrechetCliTests
{
    static readonly string Dir = Cmd.Tests.Fixtures.Path("frechet");
    static double Expected(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))).RootElement.GetProperty(name).GetProperty("scipy_sqrtm").GetDouble();

    [Fact]
    public void CliPrintsTheDistance()
    {
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        int code;
        try { code = Workbench.Cli.WorkbenchCli.Run(["frechet", Path.Combine(Dir, "rankdef_a.safetensors"), Path.Combine(Dir, "rankdef_b.safetensors")]); }
        finally { Console.SetOut(previous); }
        Assert.Equal(0, code);
        var line = output.ToString().Split('\n').Single(l => l.StartsWith("frechet distance:"));
        double fd = double.Parse(line["frechet distance:".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(fd - Expected("rankdef")) <= 1e-6 * Expected("rankdef"));
    }
}
