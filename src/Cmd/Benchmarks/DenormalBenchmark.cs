using System.Diagnostics;
using Cmd.Runtime;
using static TorchSharp.torch;

namespace Cmd.Benchmarks;

/// <summary>
/// libtorch's vector exp (SLEEF) on one thread, with denormals kept and flushed (<see cref="DenormalFlush"/>), at an
/// argument whose result is an ordinary float (-10) and at ones whose result underflows (-95: a denormal; -120: zero).
/// Attention's softmax takes exp of scores far below their row's maximum, so a trained model's attention meets the
/// underflowing case often. Each figure is the median of <c>rounds</c> timings of <c>repeats</c> in-place exps of 16,384
/// floats, each after a copy of its arguments (the same copy in every case), below libtorch's grain: on the calling
/// thread, whose MXCSR this sets.
/// </summary>
public static class DenormalBenchmark
{
    public static readonly float[] Arguments = [-10f, -95f, -120f];

    /// <summary>Nanoseconds per exp, by (flushed, argument).</summary>
    public sealed record Result(IReadOnlyDictionary<(bool Flushed, float Argument), double> NanosecondsPerExp)
    {
        public string Describe() => string.Join("; ", new[] { false, true }.Select(f =>
            (f ? "flushed: " : "kept: ") + string.Join(", ", Arguments.Select(a => $"exp({a}) {NanosecondsPerExp[(f, a)]:F3} ns"))));

        /// <summary>How much slower an underflowing exp is than an ordinary one, denormals kept.</summary>
        public double UnderflowPenaltyKept => NanosecondsPerExp[(false, -95f)] / NanosecondsPerExp[(false, -10f)];
        public double UnderflowPenaltyFlushed => NanosecondsPerExp[(true, -95f)] / NanosecondsPerExp[(true, -10f)];
    }

    public static Result Measure(int repeats = 400, int rounds = 5)
    {
        var times = new Dictionary<(bool, float), double>();
        var thread = new Thread(() =>
        {
            foreach (var flushed in new[] { false, true })
            {
                DenormalFlush.SetOnThisThread(flushed);
                foreach (var a in Arguments) times[(flushed, a)] = NanosecondsPerExp(a, repeats, rounds);
            }
        });
        thread.Start();
        thread.Join();
        return new Result(times);
    }

    static double NanosecondsPerExp(float argument, int repeats, int rounds)
    {
        const int n = 16_384;
        using var x = full(n, argument);
        using var y = empty(n);
        y.copy_(x).exp_();
        var samples = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < repeats; i++) y.copy_(x).exp_();
            samples.Add(clock.Elapsed.TotalSeconds * 1e9 / ((double)repeats * n));
        }
        samples.Sort();
        return samples[samples.Count / 2];
    }
}
