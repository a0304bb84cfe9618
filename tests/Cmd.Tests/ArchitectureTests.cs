using System.Text.RegularExpressions;

namespace Cmd.Tests;

/// <summary>
/// ARCHITECTURE.md's table of who may use whom, checked on the source: every `using Cmd.X` and every `Cmd.X.` name in a
/// file under src/Cmd/&lt;room&gt;/ must name its own room or one the table allows. A new dependency upward (a model that
/// reads files through Pipeline, a metric that trains) fails here, with the file and line.
/// </summary>
public partial class ArchitectureTests
{
    static readonly Dictionary<string, string[]> MayUse = new()
    {
        ["Models"] = ["Runtime"], ["Diffusion"] = [], ["IO"] = [], ["Runtime"] = [],
        ["Data"] = ["IO"],
        ["Viz"] = ["Data"],
        ["Presets"] = ["Models", "Data"],
        ["Metrics"] = ["Models", "Data", "IO", "Presets"],
        ["Training"] = ["Models", "Diffusion", "Data", "IO", "Metrics", "Presets", "Runtime"],
        ["Pipeline"] = ["Models", "Diffusion", "Data", "IO", "Metrics", "Presets", "Runtime", "Training"],
        ["Evaluation"] = ["Models", "Diffusion", "Data", "IO", "Metrics", "Presets", "Runtime", "Training", "Pipeline"],
        ["Reports"] = ["Models", "Diffusion", "Data", "IO", "Metrics", "Presets", "Runtime", "Training", "Pipeline", "Evaluation", "Viz"],
        ["Studies"] = ["Models", "Diffusion", "Data", "IO", "Metrics", "Presets", "Runtime", "Training", "Pipeline", "Evaluation", "Reports", "Viz"],
        ["Fuzzing"] = ["Models", "Data", "IO", "Presets", "Training"],
        ["Benchmarks"] = ["Models", "Diffusion", "Data", "IO", "Metrics", "Presets", "Training", "Pipeline", "Evaluation", "Reports", "Viz", "Runtime"],
    };

    [GeneratedRegex(@"(?:^using\s+(?:static\s+)?Cmd\.([A-Z]\w*))|(?:(?<![\w.])Cmd\.([A-Z]\w*)\.)")]
    private static partial Regex CmdReference();

    [Fact]
    public void EveryRoomUsesOnlyTheRoomsBelowIt()
    {
        var src = Path.Combine(Metrics.MetricsFixtures.RepoRoot, "src", "Cmd");
        var rooms = Directory.GetDirectories(src).Select(Path.GetFileName).Where(d => d is not ("bin" or "obj")).ToList();
        Assert.Empty(rooms.Except(MayUse.Keys)); // a new room needs a row in ARCHITECTURE.md and here
        var violations = new List<string>();
        foreach (var room in rooms)
            foreach (var file in Directory.GetFiles(Path.Combine(src, room!), "*.cs", SearchOption.AllDirectories))
            {
                var lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                    foreach (Match m in CmdReference().Matches(lines[i]))
                    {
                        var used = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                        if (used != room && !MayUse[room!].Contains(used))
                            violations.Add($"{Path.GetRelativePath(src, file)}:{i + 1} ({room} uses {used}): {lines[i].Trim()}");
                    }
            }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }
}
