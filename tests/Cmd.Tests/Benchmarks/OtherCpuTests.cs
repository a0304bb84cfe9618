using System.Diagnostics;
using Cmd.Benchmarks;

namespace Cmd.Tests.Benchmarks;

public class OtherCpuTests
{
    [Fact]
    public void Reads_the_machine_busy_ticks_and_this_process_with_its_children()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice: idle and iowait are not busy
        Assert.Equal(10L + 2 + 3 + 6 + 7 + 8, OtherCpu.MachineBusy("cpu  10 2 3 400 500 6 7 8 9 1"));
        Assert.Throws<FormatException>(() => OtherCpu.MachineBusy("cpu0 10 2 3 400 500 6 7 8 9 1"));
        // a command name with spaces and a parenthesis; utime 14, stime 15, cutime 16, cstime 17
        string stat = "4242 (a (b) c) R 1 2 3 4 5 6 7 8 9 10 100 20 30 4 20 0 3 0 12345 67890 123";
        Assert.Equal(100L + 20 + 30 + 4, OtherCpu.SelfAndChildren(stat));
    }

    [Fact]
    public void The_share_is_the_others_ticks_over_the_cores_wall_time()
    {
        // 2 cores for 10 s at 100 ticks/s = 2,000 ticks; the machine was busy 1,500, this process 1,300: others 10%
        Assert.Equal(0.10, OtherCpu.Share(1500, 1300, 10, 2, 100), 9);
        Assert.Equal(0.0, OtherCpu.Share(1200, 1300, 10, 2, 100));   // counters read a tick apart: never negative
        Assert.Equal(1.0, OtherCpu.Share(9000, 0, 10, 2, 100));
        Assert.Equal(0.0, OtherCpu.Share(100, 0, 0, 2, 100));
    }

    [Fact]
    public void A_busy_loop_in_another_process_shows()
    {
        // another process spinning for 1.5 s takes about one core of Environment.ProcessorCount
        var loop = OtherCpu.Start();
        Assert.NotNull(loop);
        using var p = Process.Start(new ProcessStartInfo("sh", ["-c", "end=$(( $(date +%s) + 3 )); while [ $(date +%s) -lt $end ]; do :; done"])
            { RedirectStandardOutput = true })!;
        Thread.Sleep(1500);
        double seen = loop!.Share();
        p.Kill();
        p.WaitForExit();
        // other jobs on a busy machine only add to the share, so only the loop's lower bound is asserted
        Assert.True(seen > 0.25 / Environment.ProcessorCount, $"a spinning process took {seen:P0} of the machine");
    }
}
