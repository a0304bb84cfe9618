using System.Diagnostics;
using System.Globalization;

namespace Cmd.Benchmarks;

/// <summary>
/// Wall times of repeated steps (after warm-up): median and spread (min..max), as the bench tables print them; and the
/// process's CPU seconds per step over the timed steps (all threads: on a busy machine it shows what the step cost
/// when wall time also counts waiting for a core). NaN where not measured.
/// </summary>
public sealed record StepTiming(string Name, double[] Seconds, double CpuSecondsPerStep = double.NaN)
{
    public double Median => Seconds.Length == 0 ? double.NaN : Seconds.Order().ElementAt(Seconds.Length / 2);
    public double Min => Seconds.Length == 0 ? double.NaN : Seconds.Min();
    public double Max => Seconds.Length == 0 ? double.NaN : Seconds.Max();

    /// <summary>"0.312 s (0.305..0.330, n=5; CPU 0.309 s/step)".</summary>
    public string Describe(string format = "F3")
    {
        string F(double v) => v.ToString(format, CultureInfo.InvariantCulture);
        return $"{F(Median)} s ({F(Min)}..{F(Max)}, n={Seconds.Length}" + (double.IsNaN(CpuSecondsPerStep) ? ")" : $"; CPU {F(CpuSecondsPerStep)} s/step)");
    }

    /// <summary>Runs <paramref name="step"/> <paramref name="warmup"/> times untimed, then <paramref name="steps"/> times timed.</summary>
    public static StepTiming Run(string name, Action step, int warmup, int steps)
    {
        if (steps < 1) throw new ArgumentException($"{name}: timed steps must be >= 1 (got {steps})");
        for (int i = 0; i < warmup; i++) step();
        var times = new double[steps];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (int i = 0; i < steps; i++)
        {
            var clock = Stopwatch.StartNew();
            step();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        double cpuPerStep = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds / steps;
        return new StepTiming(name, times, cpuPerStep);
    }
}
