using System.Diagnostics;

namespace Cmd.Benchmarks;

/// <summary>Wall time of a repeated action (median after warm-up) and the process's peak resident memory while it ran.</summary>
public sealed record Measurement(double MedianSeconds, double MinSeconds, int Repeats, long PeakRssBytes, bool PeakIsPerRun)
{
    /// <summary>
    /// Runs <paramref name="action"/> <paramref name="warmup"/> times unmeasured, then <paramref name="repeats"/> times timed.
    /// Peak memory is Linux's VmHWM, reset before the timed runs through /proc/self/clear_refs ("5") where the
    /// kernel allows it (then it is the peak of these runs, else the peak of the process so far).
    /// </summary>
    public static Measurement Run(Action action, int warmup = 1, int repeats = 3)
    {
        if (repeats < 1) throw new ArgumentException($"repeats must be >= 1 (got {repeats})");
        for (int i = 0; i < warmup; i++) action();
        GC.Collect();
        bool reset = PeakRss.Reset();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times[i] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return new Measurement(times[repeats / 2], times[0], repeats, PeakRss.Read(), reset);
    }
}

/// <summary>Peak resident set size of this process (Linux /proc/self/status VmHWM).</summary>
public static class PeakRss
{
    public static long Read() => ReadStatus("VmHWM:");
    public static long Current() => ReadStatus("VmRSS:");

    /// <summary>Resets the peak to the current RSS (Linux >= 4.0). False where not possible.</summary>
    public static bool Reset()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DirectoryNotFoundException) { return false; }
    }

    static long ReadStatus(string key)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return Environment.WorkingSet; // non-Linux: current working set only
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key));
        if (line == null) return Environment.WorkingSet;
        return long.Parse(line[key.Length..].Trim().Split(' ')[0]) * 1024;
    }
}
