using static TorchSharp.torch;

namespace Cmd.Benchmarks;

/// <summary>
/// The machine's fp32 matmul rate as libtorch reaches it in this process: an n x n by n x n product (2 n^3 FLOPs), median of
/// timed repeats. The yardstick the training steps' achieved GFLOP/s are compared with (measured in the same run).
/// </summary>
public static class MatmulRate
{
    public sealed record Result(int Size, StepTiming Timing)
    {
        public double Flops => 2.0 * Size * Size * Size;
        public double GflopsPerSecond => Flops / Timing.Median / 1e9;
    }

    public static Result Measure(int size = 1024, int repeats = 20, int warmup = 3)
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var a = randn(size, size);
        var b = randn(size, size);
        return new Result(size, StepTiming.Run($"matmul {size}", () => { using var step = NewDisposeScope(); a.matmul(b); }, warmup, repeats));
    }
}
