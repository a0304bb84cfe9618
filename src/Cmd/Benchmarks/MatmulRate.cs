using static TorchSharp.torch;

namespace Cmd.Benchmarks;

/// <summary>
/// The machine's fp32 matmul rate as libtorch reaches it in this process: an n x n by n x n product (2 n^3 FLOPs), median of
/// timed repeats. <see cref="Measure"/> times it on its own (`bench matmul`); the training steps' achieved GFLOP/s are
/// compared with a <see cref="Yardstick"/> timed between their own repeats.
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
        using var yardstick = new Yardstick(size);
        for (int i = 0; i < warmup; i++) yardstick.Multiply();
        for (int i = 0; i < repeats; i++) yardstick.Time();
        return yardstick.Result();
    }

    /// <summary>
    /// A few matmuls timed at a time, between the repeats of another measurement (<see cref="StepTiming.Run"/>'s between): the
    /// speed of these shared machines drifts by a factor up to 2 within minutes, so a rate measured once before the steps can
    /// catch another speed than the steps ran at; samples taken between a step's repeats see the same moments it does.
    /// </summary>
    public sealed class Yardstick : IDisposable
    {
        readonly Tensor a, b;
        readonly List<double> seconds = [], cpuSeconds = [];

        /// <summary>Products a <see cref="Sample"/> times unless told otherwise.</summary>
        public const int DefaultPerSample = 3;

        public Yardstick(int size = 1024, int perSample = DefaultPerSample)
        {
            Size = size;
            PerSample = perSample;
            using var rng = new Generator(0UL);
            a = randn([size, size], generator: rng);
            b = randn([size, size], generator: rng);
            Multiply();                                         // the first product pays for its memory, untimed
        }

        public int Size { get; }
        /// <summary>Products timed (one at a time) by each <see cref="Sample"/>.</summary>
        public int PerSample { get; }

        public void Multiply()
        {
            using var scope = NewDisposeScope();
            using var exact = Runtime.MatmulPrecision.Use(Runtime.Fp32Matmul.Ieee);   // fp32, whatever the steps use
            a.matmul(b);
        }

        /// <summary>Times <see cref="PerSample"/> products, one at a time.</summary>
        public void Sample()
        {
            for (int i = 0; i < PerSample; i++) Time();
        }

        /// <summary>Times one product and keeps its wall and CPU seconds.</summary>
        public void Time()
        {
            var t = StepTiming.Run($"matmul {Size}", Multiply, warmup: 0, steps: 1);
            seconds.Add(t.Seconds[0]);
            cpuSeconds.Add(t.CpuSeconds![0]);
        }

        public Result Result() =>
            new(Size, new StepTiming($"matmul {Size}", [.. seconds], cpuSeconds.DefaultIfEmpty(double.NaN).Average(), [.. cpuSeconds]));

        public void Dispose() { a.Dispose(); b.Dispose(); }
    }
}
