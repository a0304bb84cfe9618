using System.Diagnostics;
using System.Runtime.InteropServices;
using Cmd.Benchmarks;

namespace Cmd.Tests.Benchmarks;

/// <summary>
/// Measurement and PeakRss on actions of known cost. Only lower bounds on time (load makes anything slower, never faster),
/// and consistency with an independent clock or reader; memory has a loose upper bound that no load can reach.
/// </summary>
public class MeasurementTests
{
    const long MiB = 1 << 20;

    /// <summary>Warm-up calls (sleeping 0 ms) run first and are not timed; the timed calls sleep 1, 40 and 20 ms, so the
    /// median is at least 20 ms and the minimum at least 1 ms. Timing the warm-ups (0, 0, 1 ms), or taking the median of
    /// all five calls (1 ms), would not reach 20 ms. The three timed calls lie inside an outer Stopwatch, so min + median
    /// cannot exceed it (a milliseconds-for-seconds or ticks-for-seconds slip would).</summary>
    [Fact]
    public void MedianAndMinimumAreOfTheTimedCallsAfterTheWarmUps()
    {
        int[] sleepsMs = [0, 0, 1, 40, 20];
        int calls = 0;
        var outer = Stopwatch.StartNew();
        var m = Measurement.Run(() => Thread.Sleep(sleepsMs[Math.Min(calls++, sleepsMs.Length - 1)]), warmup: 2, repeats: 3);
        outer.Stop();
        Assert.Equal(5, calls);
        Assert.Equal(3, m.Repeats);
        Assert.True(m.MedianSeconds >= 0.020, $"median {m.MedianSeconds * 1e3:F3} ms of sleeps 1/40/20 ms");
        Assert.True(m.MinSeconds >= 0.001, $"min {m.MinSeconds * 1e3:F3} ms of sleeps 1/40/20 ms");
        Assert.True(m.MinSeconds <= m.MedianSeconds, $"min {m.MinSeconds} > median {m.MedianSeconds}");
        Assert.True(m.MinSeconds + m.MedianSeconds <= outer.Elapsed.TotalSeconds,
            $"min {m.MinSeconds} + median {m.MedianSeconds} s exceed the {outer.Elapsed.TotalSeconds} s the whole run took");
    }

    /// <summary>
    /// A run that maps and touches 64 MiB of fresh native memory reports a peak at least 50 MiB above the resident size read
    /// just before it; a kB-for-bytes misread (1/1024) or the wrong /proc key (VmRSS after the memory is gone) fails the lower
    /// bound, a virtual-size key (VmPeak, GBs for a .NET process) the upper one. The memory is an anonymous mmap rather
    /// than a tensor: under `make test` (MALLOC_MMAP_MAX_=0, a huge MALLOC_TRIM_THRESHOLD_) glibc serves a 64 MB tensor
    /// from heap pages freed by earlier tests and still resident, so RSS need not rise (measured: +0 MB with torch 1.13).
    /// </summary>
    [Fact]
    public void PeakRssSeesSixtyFourMiBTouchedDuringTheRun()
    {
        GC.Collect(); // so the collection Measurement.Run makes after its warm-up has nothing left to give back
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long before = PeakRss.Current();
        var m = Measurement.Run(TouchFreshMemory, warmup: 1, repeats: 1);
        long above = m.PeakRssBytes - before;
        Assert.True(above >= 50 * MiB,
            $"peak {m.PeakRssBytes:N0} B is only {above / MiB} MiB above the RSS before ({before:N0} B)");
        if (m.PeakIsPerRun) // reset worked: the peak is of this run, not of the whole test process
            Assert.True(above <= 1024 * MiB,
                $"peak {m.PeakRssBytes:N0} B is {above / MiB} MiB above the RSS before: not a resident size");
    }

    /// <summary>PeakRss reads bytes: the current RSS agrees with .NET's own working set (read from /proc/self/stat pages)
    /// within a factor of 2, and the peak is never below it.</summary>
    [Fact]
    public void PeakRssReadsBytesThatAgreeWithTheWorkingSet()
    {
        long current = PeakRss.Current();
        long workingSet = Process.GetCurrentProcess().WorkingSet64;
        Assert.InRange(current, workingSet / 2, workingSet * 2);
        Assert.True(PeakRss.Read() >= current, $"VmHWM {PeakRss.Read():N0} B below VmRSS {current:N0} B");
    }

    const int ProtReadWrite = 0x1 | 0x2, MapPrivateAnonymous = 0x02 | 0x20;

    [DllImport("libc", SetLastError = true)]
    static extern IntPtr mmap(IntPtr addr, UIntPtr length, int prot, int flags, int fd, IntPtr offset);

    [DllImport("libc", SetLastError = true)]
    static extern int munmap(IntPtr addr, UIntPtr length);

    /// <summary>64 MiB of new anonymous pages, one byte written per 4 KiB page (each becomes resident), then unmapped.</summary>
    static void TouchFreshMemory()
    {
        var length = (UIntPtr)(64 * MiB);
        var p = mmap(IntPtr.Zero, length, ProtReadWrite, MapPrivateAnonymous, -1, IntPtr.Zero);
        Assert.NotEqual(new IntPtr(-1), p);
        try
        {
            for (long offset = 0; offset < 64 * MiB; offset += 4096) Marshal.WriteByte(p, (int)offset, 1);
        }
        finally { Assert.Equal(0, munmap(p, length)); }
    }
}
