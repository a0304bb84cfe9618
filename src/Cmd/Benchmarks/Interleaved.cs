
namespace Cmd.Benchmarks;

/// <summary>
/// Steps of several sides (the workbench's step, its PyTorch twin's, the same step with bf16 products) timed in turn,
/// one step of each per round, the side that goes first rotating from round to round. The speed of these machines
/// drifts by up to 2x within minutes; timed one side after the other, the drift lands in the ratio. In turn, each round
/// sees the same minutes on every side, and the ratio of a round's two times (<see cref="PairedRatios"/>) is free of
/// it.
/// </summary>
public static class Interleaved
{
    /// <summary>A side: its step, returning its wall and CPU seconds (a served PyTorch step times itself).</summary>
    public sealed record Side(string Name, Func<(double Seconds, double CpuSeconds)> Step)
    {
        /// <summary>A step of this process, timed here; <paramref name="before"/> runs first, outside its time (e.g. a
        /// <see cref="MatmulRate.Yardstick"/> sample at the moment the step runs).</summary>
        public static Side Local(string name, Action step, Action? before = null) => new(name, () =>
        {
            before?.Invoke();
            var t = StepTiming.Run(name, step, warmup: 0, steps: 1);
            return (t.Seconds[0], t.CpuSeconds![0]);
        });

        /// <summary>A step of a served PyTorch script.</summary>
        public static Side Served(string name, ServedSteps steps) => new(name, steps.Step);
    }

    /// <summary>How long the machine is left idle before each step: the other process's OpenMP threads spin a while
    /// after their last parallel region and would take cores from the step that follows.</summary>
    public static readonly TimeSpan DefaultSettle = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// <paramref name="rounds"/> rounds of one step of every side (warm-ups are the sides' own business); the step
    /// times per side, in the order of <paramref name="sides"/>. Round r starts with side r mod n.
    /// </summary>
    public static IReadOnlyList<StepTiming> Run(IReadOnlyList<Side> sides, int rounds, TimeSpan? settle = null)
    {
        if (sides.Count == 0) throw new ArgumentException("no sides to time");
        if (rounds < 1) throw new ArgumentException($"timed rounds must be >= 1 (got {rounds})");
        var seconds = sides.Select(_ => new double[rounds]).ToArray();
        var cpu = sides.Select(_ => new double[rounds]).ToArray();
        foreach (var (round, side) in Order(sides.Count, rounds))
        {
            Thread.Sleep(settle ?? DefaultSettle);
            (seconds[side][round], cpu[side][round]) = sides[side].Step();
        }
        return sides.Select((s, i) => new StepTiming(s.Name, seconds[i], cpu[i].Average(), cpu[i])).ToList();
    }

    /// <summary>(round, side) in the order they run: round r is sides r, r + 1, ... mod n.</summary>
    public static IEnumerable<(int Round, int Side)> Order(int sides, int rounds)
    {
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < sides; k++) yield return (r, (r + k) % sides);
    }

    /// <summary>Round by round, one side's time over another's (both timed in the same rounds).</summary>
    public static double[] PairedRatios(StepTiming ours, StepTiming theirs)
    {
        if (ours.Seconds.Length != theirs.Seconds.Length)
            throw new ArgumentException($"{ours.Name} and {theirs.Name} were not timed in the same rounds " +
                $"({ours.Seconds.Length} and {theirs.Seconds.Length} steps)");
        return ours.Seconds.Zip(theirs.Seconds, (a, b) => a / b).ToArray();
    }

    /// <summary>One side's time over another's: the median of the rounds' ratios (the figure to quote), their spread,
    /// and the ratio of the two sides' medians.</summary>
    public sealed record Ratio(double Median, double Min, double Max, int Rounds, double OfMedians)
    {
        public static Ratio Of(StepTiming a, StepTiming b)
        {
            var r = new StepTiming("ratio", PairedRatios(a, b));
            return new Ratio(r.Median, r.Min, r.Max, r.Seconds.Length, a.Median / b.Median);
        }

        /// <summary>"round by round: median of 5, 0.79..0.88; ratio of medians 0.84".</summary>
        public string Detail => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"round by round: median of {Rounds}, {Min:F2}..{Max:F2}; ratio of medians {OfMedians:F2}");
    }
}
