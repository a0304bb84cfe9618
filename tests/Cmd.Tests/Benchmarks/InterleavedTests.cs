using Cmd.Benchmarks;

namespace Cmd.Tests.Benchmarks;

/// <summary>Sides timed in turn: the order of the rounds, who gets which time, and the round-by-round ratios.</summary>
public class InterleavedTests
{
    [Fact]
    public void EachRoundTakesOneStepOfEverySideAndTheFirstRotates()
    {
        Assert.Equal([(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (1, 0), (2, 2), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)],
            Interleaved.Order(3, 4));
    }

    [Fact]
    public void EverySideGetsItsOwnTimesInRoundOrder()
    {
        var calls = new List<string>();
        int n = 0;
        Interleaved.Side Fake(string name, double scale) => new(name, () =>
        {
            calls.Add(name);
            n++;
            return (scale * n, scale * n / 2);   // the n-th step overall took scale x n seconds
        });
        var t = Interleaved.Run([Fake("a", 1), Fake("b", 10)], rounds: 3, settle: TimeSpan.Zero);
        Assert.Equal(["a", "b", "b", "a", "a", "b"], calls);
        Assert.Equal([1.0, 4, 5], t[0].Seconds);                  // a's steps were the 1st, 4th and 5th
        Assert.Equal([20.0, 30, 60], t[1].Seconds);
        Assert.Equal([0.5, 2, 2.5], t[0].CpuSeconds!);
        Assert.Equal(5.0 / 3, t[0].CpuSecondsPerStep, 12);
        Assert.Equal(["a", "b"], t.Select(x => x.Name));
        Assert.Equal([1 / 20.0, 4 / 30.0, 5 / 60.0], Interleaved.PairedRatios(t[0], t[1]));
        var ratio = Interleaved.Ratio.Of(t[0], t[1]);
        Assert.Equal((5 / 60.0, 1 / 20.0, 4 / 30.0, 3), (ratio.Median, ratio.Min, ratio.Max, ratio.Rounds));
        Assert.Equal(4 / 30.0, ratio.OfMedians, 12);                   // medians 4 and 30
        Assert.Equal("round by round: median of 3, 0.05..0.13; ratio of medians 0.13", ratio.Detail);
    }

    [Fact]
    public void ALocalSideRunsItsYardstickBeforeTheStepAndOutsideItsTime()
    {
        var order = new List<string>();
        void Yardstick() { order.Add("yardstick"); Thread.Sleep(300); }
        var side = Interleaved.Side.Local("ours", () => order.Add("step"), Yardstick);
        var (seconds, _) = side.Step();
        Assert.Equal(["yardstick", "step"], order);
        Assert.True(seconds < 0.25, $"the step's time {seconds:F3} s includes the yardstick's 0.3 s");
    }

    [Fact]
    public void BadRoundsAndMismatchedSidesAreRefused()
    {
        var side = new Interleaved.Side("a", () => (1, 1));
        var none = Assert.Throws<ArgumentException>(() => Interleaved.Run([side], 0));
        Assert.Equal("timed rounds must be >= 1 (got 0)", none.Message);
        Assert.Throws<ArgumentException>(() => Interleaved.Run([], 1));
        var e = Assert.Throws<ArgumentException>(() =>
            Interleaved.PairedRatios(new StepTiming("a", [1, 2]), new StepTiming("b", [1])));
        Assert.Equal("a and b were not timed in the same rounds (2 and 1 steps)", e.Message);
    }
}
