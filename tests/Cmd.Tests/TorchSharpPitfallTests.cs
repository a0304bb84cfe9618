using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Cmd.Tests;

/// <summary>
/// TorchSharp 0.107 has sum(ScalarType? type) and prod(ScalarType? type) beside sum(long dim, ...), and C# converts the
/// constant 0 to any enum: x.sum(0) is therefore the sum of all elements as a Byte (uint8) scalar, not the sum over
/// dimension 0, with no error. Found in session 48, when a "bias gradient" x.sum(0) timed 8x slower than sum(0, true).
/// A reflection scan of Tensor's and torch's methods found the trap in sum and prod only (besides torch.device,
/// histogram and set_printoptions, where no dimension is meant). The first test shows it as TorchSharp has it; the
/// second keeps literal zeros out of our code and notebooks (a named constant equal to 0 falls in too, unseen here).
/// </summary>
public partial class TorchSharpPitfallTests
{
    [Fact]
    public void ALiteralZeroDimensionIsTakenAsAByteDtype()
    {
        using var scope = NewDisposeScope();
        var x = ones(4, 3);
        const string changed = "TorchSharp no longer reads sum(0) as a dtype: the scan below can go";
        Assert.True(x.sum(0).dtype == ScalarType.Byte && x.sum(0).shape.Length == 0, changed);
        Assert.True(sum(x, 0).dtype == ScalarType.Byte, changed);
        int dim = 0;
        Assert.Equal(new long[] { 3 }, x.sum(dim).shape);   // a variable is not converted: dimension 0
        Assert.Equal(new long[] { 3 }, x.sum(0, keepdim: false).shape);
    }

    // x.sum(0), x.prod(0); and sum(x, 0), torch.prod(f(x), 0): one level of parentheses in the first argument
    const string Method = @"\.(?:sum|prod)\(\s*0\s*\)";
    const string Free = @"(?<![\w.])(?:torch\.)?(?:sum|prod)\((?:[^()]|\([^()]*\))*,\s*0\s*\)";

    [GeneratedRegex(Method + "|" + Free)]
    private static partial Regex LiteralZeroReduction();

    [Fact]
    public void NoSourceOrNotebookReducesWithALiteralZero()
    {
        foreach (var bad in new[] { "var bias = grad.sum(0);", "var s = sum(x, 0);", "torch.prod(a.abs(), 0)" })
            Assert.Matches(LiteralZeroReduction(), bad);
        foreach (var good in new[] { "grad.sum(0, keepdim: true)", "x.sum(1)", "sum(x, 1)", "checksum(0)" })
            Assert.DoesNotMatch(LiteralZeroReduction(), good);
        var root = Metrics.MetricsFixtures.RepoRoot;
        var files = new[] { "src", "tests", "notebooks" }
            .SelectMany(d => Directory.GetFiles(Path.Combine(root, d), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs") || f.EndsWith(".ipynb") || f.EndsWith(".dib"))
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .Where(f => Path.GetFileName(f) != nameof(TorchSharpPitfallTests) + ".cs")
            .ToList();
        Assert.Contains(files, f => f.EndsWith("CmdAutoencoder.cs"));    // the scan reads the library
        Assert.Contains(files, f => f.EndsWith(".ipynb"));                // and the notebooks
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
