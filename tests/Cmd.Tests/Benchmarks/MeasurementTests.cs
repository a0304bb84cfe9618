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
    /// A run that maps and touches 64 MiB of fresh memory: the RSS read just before the mapping (PeakRss.Current()) rises
    /// by at least 50 MiB, and the run's peak is at least the touched RSS. A kB-for-bytes misread or VmRSS read as the peak
    /// (after the memory is gone) fails; a virtual size (VmPeak: GBs for .NET) fails the loose upper bound.
    /// The RSS is read inside the timed call, after the peak's reset: between a read before Measurement.Run and the reset
    /// the RSS can fall (one full suite read 792 MB before the run and a peak of 810 MB, so the run began >= 46 MiB lower).
    /// The memory is an anonymous mmap, not a tensor: under `make test` (MALLOC_MMAP_MAX_=0, huge MALLOC_TRIM_THRESHOLD_)
    /// glibc serves a new 64 MB tensor from freed heap pages still resident (measured with torch 1.13: RSS +0 MB).
    /// </summary>
    [Fact]
    public void PeakRssSeesSixtyFourMiBTouchedDuringTheRun()
    {
        long before = 0, touched = 0;
        var m = Measurement.Run(() => (before, touched) = TouchFreshMemory(), warmup: 1, repeats: 1);
        var seen = $"RSS {before:N0} B before the mapping, {touched:N0} B touched, reported peak {m.PeakRssBytes:N0} B";
        Assert.True(touched - before >= 50 * MiB, $"touching 64 MiB raised the RSS {(touched - before) / MiB} MiB: {seen}");
        // Linux sums its RSS counters per CPU lazily: VmHWM and VmRSS read a few hundred kB apart (seen: 56 and 176 KiB)
        Assert.True(m.PeakRssBytes >= touched - 4 * MiB, $"the peak is below an RSS seen during the run: {seen}");
        if (m.PeakIsPerRun) // reset worked: the peak is of this run, not of the whole test process
            Assert.True(m.PeakRssBytes - before <= 1024 * MiB, $"the peak is no resident size: {seen}");
    }

    /// <summary>PeakRss reads bytes: the current RSS agrees with .NET's own working set (read from /proc/self/stat pages)
    /// within a factor of 2, and the peak is not below it. Not to the byte: another test's Measurement.Run may reset the
    /// peak (clear_refs) between the two reads, after memory was freed (seen: VmHWM 4 KiB below the VmRSS read before it).</summary>
    [Fact]
    public void PeakRssReadsBytesThatAgreeWithTheWorkingSet()
    {
        long current = PeakRss.Current();
        long workingSet = Process.GetCurrentProcess().WorkingSet64;
        Assert.InRange(current, workingSet / 2, workingSet * 2);
        long peak = PeakRss.Read();
        Assert.True(peak >= current - 4 * MiB, $"VmHWM {peak:N0} B below VmRSS {current:N0} B");
    }

    const int ProtReadWrite = 0x1 | 0x2, MapPrivateAnonymous = 0x02 | 0x20;

    [DllImport("libc", SetLastError = true)]
    static extern IntPtr mmap(IntPtr addr, UIntPtr length, int prot, int flags, int fd, IntPtr offset);

    [DllImport("libc", SetLastError = true)]
    static extern int munmap(IntPtr addr, UIntPtr length);

    /// <summary>64 MiB of new anonymous pages, one byte written per 4 KiB page (each becomes resident), then unmapped.
    /// Returns the RSS read just before the mapping and while it is touched.</summary>
    static (long Before, long Touched) TouchFreshMemory()
    {
        var length = (UIntPtr)(64 * MiB);
        long before = PeakRss.Current();
        var p = mmap(IntPtr.Zero, length, ProtReadWrite, MapPrivateAnonymous, -1, IntPtr.Zero);
        Assert.NotEqual(new IntPtr(-1), p);
        try
        {
            for (long offset = 0; offset < 64 * MiB; offset += 4096) Marshal.WriteByte(p, (int)offset, 1);
            return (before, PeakRss.Current());
        }
        finally { Assert.Equal(0, munmap(p, length)); }
    }
}
