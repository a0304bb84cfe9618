using System.Diagnostics;
using System.Globalization;

namespace Cmd.Benchmarks;

/// <summary>
/// Wall times of repeated steps (after warm-up): median and spread (min..max), as the bench tables print them; and the
/// process's CPU seconds per step over the timed steps (all threads: on a busy machine it shows what the step cost
/// when wall time also counts waiting for a core). NaN where not measured. <see cref="CpuSeconds"/>, where recorded, holds
/// each step's CPU seconds: on a shared core its median compares two builds better than wall time does.
/// </summary>
public sealed record StepTiming(string Name, double[] Seconds, double CpuSecondsPerStep = double.NaN, double[]? CpuSeconds = null)
{
    public double CpuMedian => CpuSeconds is not { Length: > 0 } c ? double.NaN : c.Order().ElementAt(c.Length / 2);

    /// <summary>The process's CPU seconds so far (all threads).</summary>
    public static double CpuNow() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    public double Median => Seconds.Length == 0 ? double.NaN : Seconds.Order().ElementAt(Seconds.Length / 2);
    public double Min => Seconds.Length == 0 ? double.NaN : Seconds.Min();
    public double Max => Seconds.Length == 0 ? double.NaN : Seconds.Max();

    /// <summary>"0.312 s (0.305..0.330, n=5; CPU 0.309 s/step)".</summary>
    public string Describe(string format = "F3")
    {
        string F(double v) => v.ToString(format, CultureInfo.InvariantCulture);
        string cpu = double.IsNaN(CpuSecondsPerStep) ? "" : $"; CPU {F(CpuSecondsPerStep)} s/step";
        if (CpuSeconds is { Length: > 0 }) cpu += $", median {F(CpuMedian)}";
        return $"{F(Median)} s ({F(Min)}..{F(Max)}, n={Seconds.Length}{cpu})";
    }

    /// <summary>Runs <paramref name="step"/> <paramref name="warmup"/> times untimed, then <paramref name="steps"/> times timed;
    /// <paramref name="between"/>, if given, runs before each timed step, outside its time (e.g. a yardstick that samples the
    /// machine's speed at the same moments as the step, <see cref="MatmulRate.Yardstick"/>).</summary>
    public static StepTiming Run(string name, Action step, int warmup, int steps, Action? between = null)
    {
        if (steps < 1) throw new ArgumentException($"{name}: timed steps must be >= 1 (got {steps})");
        for (int i = 0; i < warmup; i++) step();
        var times = new double[steps];
        var cpuTimes = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            between?.Invoke();
            double cpu = CpuNow();
            var clock = Stopwatch.StartNew();
            step();
            times[i] = clock.Elapsed.TotalSeconds;
            cpuTimes[i] = CpuNow() - cpu;
        }
        return new StepTiming(name, times, cpuTimes.Average(), cpuTimes);
    }
}
