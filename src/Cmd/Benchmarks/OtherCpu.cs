using System.Diagnostics;

namespace Cmd.Benchmarks;

/// <summary>
/// How much CPU the rest of the machine took while a benchmark ran: the busy time of all cores (/proc/stat) minus this
/// process's own and its finished children's (/proc/self/stat: utime, stime, cutime, cstime), as a share of the cores'
/// wall time. The load average cannot say this: it counts the benchmark's own threads.
/// </summary>
public sealed class OtherCpu
{
    /// <summary>Above this share of the machine taken by other processes, a run is not a benchmark.</summary>
    public const double BusyShare = 0.10;

    readonly long machineStart, selfStart;
    readonly Stopwatch clock = Stopwatch.StartNew();

    OtherCpu(long machine, long self) { machineStart = machine; selfStart = self; }

    /// <summary>Starts counting; null where /proc is not there to read.</summary>
    public static OtherCpu? Start() => Read() is var (machine, self) ? new OtherCpu(machine, self) : null;

    /// <summary>The share (0..1) of all cores' time since <see cref="Start"/> that other processes used.</summary>
    public double Share()
    {
        var (machine, self) = Read() ?? (machineStart, selfStart);
        return Share(machine - machineStart, self - selfStart, clock.Elapsed.TotalSeconds, Environment.ProcessorCount, TicksPerSecond);
    }

    /// <summary>Clock ticks of the others over the cores' wall time, clamped to [0, 1].</summary>
    public static double Share(long machineTicks, long selfTicks, double seconds, int cores, double ticksPerSecond) =>
        seconds <= 0 ? 0 : Math.Clamp((machineTicks - selfTicks) / ticksPerSecond / (seconds * cores), 0, 1);

    /// <summary>Linux's USER_HZ, the unit of both files (100 on every architecture Linux exposes to user space).</summary>
    const double TicksPerSecond = 100;

    static (long Machine, long Self)? Read()
    {
        try { return (MachineBusy(File.ReadLines("/proc/stat").First()), SelfAndChildren(File.ReadAllText("/proc/self/stat"))); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException) { return null; }
    }

    /// <summary>user + nice + system + irq + softirq + steal of the "cpu" line (guest time is inside user).</summary>
    public static long MachineBusy(string cpuLine)
    {
        var f = cpuLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 9 || f[0] != "cpu") throw new FormatException($"/proc/stat: not the cpu line: '{cpuLine}'");
        return long.Parse(f[1]) + long.Parse(f[2]) + long.Parse(f[3]) + long.Parse(f[6]) + long.Parse(f[7]) + long.Parse(f[8]);
    }

    /// <summary>utime + stime + cutime + cstime (fields 14-17; the command name in parentheses may hold spaces).</summary>
    public static long SelfAndChildren(string stat)
    {
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(f[11]) + long.Parse(f[12]) + long.Parse(f[13]) + long.Parse(f[14]);
    }
}
