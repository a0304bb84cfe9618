using Cmd.Studies;

namespace Cmd.Tests.Studies;

public class CellClockTests
{
    [Fact]
    public void AResumedCellCountsItsEarlierRunsAndItsFirstStart()
    {
        var dir = Fixtures.TempDir("cell-clock");
        DateTimeOffset first;
        double firstSeconds;
        using (var clock = new CellClock(dir, _ => { }))
        {
            Thread.Sleep(60);
            first = clock.FirstStarted;
            firstSeconds = clock.Seconds;
        }
        Thread.Sleep(30);
        using var resumed = new CellClock(dir, _ => { });
        Assert.Equal(2, resumed.Runs);
        Assert.Equal(first, resumed.FirstStarted);
        Assert.True(resumed.Seconds >= firstSeconds, $"{resumed.Seconds} s after a first run of {firstSeconds} s");
        Assert.True(resumed.Seconds < firstSeconds + 5, "the pause between the runs is not cell time");
        Assert.EndsWith("over 2 runs", resumed.Describe());
    }

    [Fact]
    public void AnUnreadableCountIsSaidAndTheCellCountsFromNow()
    {
        var dir = Fixtures.TempDir("cell-clock-damaged");
        File.WriteAllText(Path.Combine(dir, CellClock.FileName), "{\"Seconds\": 12");
        var said = new List<string>();
        using var clock = new CellClock(dir, said.Add);
        Assert.Equal(1, clock.Runs);
        Assert.True(clock.Seconds < 5);
        var line = Assert.Single(said);
        Assert.Contains(CellClock.FileName, line);
        Assert.Contains("counts from now", line);
    }
}
