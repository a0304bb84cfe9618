using Cmd.IO;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Cmd.Tests.Models;

/// <summary>Loads safetensors fixtures and compares tensors against them.</summary>
public static class TensorFixtures
{
    public static Dictionary<string, Tensor> Load(string relative) => SafeTensors.Load(Fixtures.Path(relative));

    /// <summary>Max |a-b| and max |a-b| / max|b| (the worst error relative to the reference's scale).</summary>
    public static (double Abs, double Rel) Diff(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        var abs = (actual.to(float64) - expected.to(float64)).abs().max().item<double>();
        var scale = expected.to(float64).abs().max().item<double>();
        return (abs, abs / Math.Max(scale, 1e-30));
    }

    /// <summary>
    /// A parity fixture holds the reference's weights under "w." and its inputs/outputs under "io.": loads the weights
    /// into <paramref name="model"/> strictly, puts it in eval mode and returns the inputs/outputs by their own names.
    /// </summary>
    public static Dictionary<string, Tensor> LoadInto(nn.Module model, string relative)
    {
        var all = Load(relative);
        ModuleState.Load(model, Prefixed(all, "w."), Fixtures.Path(relative), strict: true);
        model.eval();
        return Prefixed(all, "io.");
    }

    static Dictionary<string, Tensor> Prefixed(Dictionary<string, Tensor> all, string prefix) =>
        all.Where(kv => kv.Key.StartsWith(prefix)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    /// <summary>Asserts the worst relative error is within <paramref name="maxRel"/>, logs both errors, returns it.</summary>
    public static double Check(ITestOutputHelper output, string what, Tensor actual, Tensor expected, double maxRel)
    {
        var (abs, rel) = Diff(actual, expected);
        output.WriteLine($"{what}: max abs {abs:E2}, rel {rel:E2}");
        Assert.True(rel <= maxRel, $"{what}: relative error {rel:E2} > {maxRel:E0} (max abs {abs:E2})");
        return rel;
    }
}
