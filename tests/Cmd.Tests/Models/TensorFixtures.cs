using Cmd.IO;
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
}
