using Cmd.Benchmarks;
using Cmd.Runtime;

namespace Cmd.Tests.Benchmarks;

public class ConvolutionBackendBenchmarkTests
{
    [Fact]
    public void ItTimesEveryStepInBothModesAndLeavesTheModeAsItFoundIt()
    {
        ConvolutionCheck.Apply();
        bool before = ConvolutionCheck.OneDnnEnabled;
        var result = ConvolutionBackendBenchmark.Run(steps: 1, warmup: 0);
        Assert.Equal(before, ConvolutionCheck.OneDnnEnabled);
        Assert.Equal(3, result.Rows.Count);
        Assert.All(result.Rows, r => Assert.True(r.OneDnn.Seconds.Length == 1 && r.Own.Seconds.Length == 1 && r.Ratio > 0));
        Assert.True(result.OwnError <= ConvolutionCheck.Tolerance, $"libtorch's own kernels: relative error {result.OwnError:E2}");
    }
}
