using System.Diagnostics;
using System.Globalization;

namespace Cmd.Benchmarks;

/// <summary>Wall times of repeated steps (after warm-up): median and spread (min..max), as the bench tables print them.</summary>
public sealed record StepTiming(string Name, double[] Seconds)
{
    public double Median => Seconds.Length == 0 ? double.NaN : Seconds.Order().ElementAt(Seconds.Length / 2);
    public double Min => Seconds.Length == 0 ? double.NaN : Seconds.Min();
    public double Max => Seconds.Length == 0 ? double.NaN : Seconds.Max();

    /// <summary>"0.312 s (0.305..0.330, n=5)".</summary>
    public string Describe(string format = "F3") => string.Create(CultureInfo.InvariantCulture,
        $"{Median.ToString(format, CultureInfo.InvariantCulture)} s ({Min.ToString(format, CultureInfo.InvariantCulture)}..{Max.ToString(format, CultureInfo.InvariantCulture)}, n={Seconds.Length})");

    /// <summary>Runs <paramref name="step"/> <paramref name="warmup"/> times untimed, then <paramref name="steps"/> times timed.</summary>
    public static StepTiming Run(string name, Action step, int warmup, int steps)
    {
        if (steps < 1) throw new ArgumentException($"{name}: timed steps must be >= 1 (got {steps})");
        for (int i = 0; i < warmup; i++) step();
        var times = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            var clock = Stopwatch.StartNew();
            step();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        return new StepTiming(name, times);
    }
}
