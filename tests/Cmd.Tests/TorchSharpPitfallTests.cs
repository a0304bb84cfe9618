using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Cmd.Tests;

/// <summary>
/// TorchSharp 0.107 has sum(ScalarType? type) and prod(ScalarType? type) beside sum(long dim, ...), and C# converts the
/// literal 0 to any enum: x.sum(0) is therefore the sum of all elements as a Byte (uint8) scalar, not the sum over
/// dimension 0, with no error. Found in session 48, when a "bias gradient" x.sum(0) timed 8x slower than sum(0, true).
/// The first test shows the trap as TorchSharp has it; the second keeps it out of our code and notebooks.
/// </summary>
public partial class TorchSharpPitfallTests
{
    [Fact]
    public void ALiteralZeroDimensionIsTakenAsAByteDtype()
    {
        using var scope = NewDisposeScope();
        var x = ones(4, 3);
        Assert.Equal(ScalarType.Byte, x.sum(0).dtype);      // the trap: a dtype, not a dimension
        Assert.Empty(x.sum(0).shape);
        int dim = 0;
        Assert.Equal(new long[] { 3 }, x.sum(dim).shape);   // a variable is not converted: dimension 0
        Assert.Equal(new long[] { 3 }, x.sum(0, keepdim: false).shape);
    }

    [GeneratedRegex(@"(?:\.(?:sum|prod)\(\s*0\s*\))|(?:torch\.(?:sum|prod)\([^(),]+,\s*0\s*\))")]
    private static partial Regex LiteralZeroReduction();

    [Fact]
    public void NoSourceOrNotebookReducesWithALiteralZero()
    {
        Assert.Matches(LiteralZeroReduction(), "var bias = grad.sum(0);");
        Assert.DoesNotMatch(LiteralZeroReduction(), "var bias = grad.sum(0, keepdim: true);");
        var root = Metrics.MetricsFixtures.RepoRoot;
        var files = new[] { "src", "tests", "notebooks" }
            .SelectMany(d => Directory.GetFiles(Path.Combine(root, d), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs") || f.EndsWith(".ipynb") || f.EndsWith(".dib"))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.EndsWith(nameof(TorchSharpPitfallTests) + ".cs"));
        var hits = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
                if (LiteralZeroReduction().IsMatch(lines[i]))
                    hits.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {lines[i].Trim()}");
        }
        Assert.True(hits.Count == 0, "x.sum(0) / x.prod(0) reduce everything to a Byte in TorchSharp; "
            + "write sum(0, keepdim: false):\n" + string.Join("\n", hits));
    }
}
