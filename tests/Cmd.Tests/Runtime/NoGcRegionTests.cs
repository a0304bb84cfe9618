using System.Runtime;
using Cmd.Runtime;

namespace Cmd.Tests.Runtime;

public class NoGcRegionTests
{
    [Fact]
    public void HoldsTheCollectorOffInsideTheBlockOnly()
    {
        int collections = GC.CollectionCount(0);
        var inside = NoGcRegion.Run(() =>
        {
            var junk = new List<byte[]>();
            for (int i = 0; i < 100; i++) junk.Add(new byte[10_000]);   // 1 MB: within the budget
            return (GCSettings.LatencyMode, GC.CollectionCount(0), junk.Count);
        });
        Assert.Equal(GCLatencyMode.NoGCRegion, inside.LatencyMode);
        Assert.Equal(100, inside.Item3);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        // a nested block runs inside the outer region instead of failing
        Assert.Equal(7, NoGcRegion.Run(() => NoGcRegion.Run(() => 7)));
        Assert.True(GC.CollectionCount(0) >= collections);
    }

    [Fact]
    public void ABlockThatOutgrowsTheBudgetIsCountedAndStillReturns()
    {
        long before = NoGcRegion.Overruns;
        long total = NoGcRegion.Run(() =>
        {
            long sum = 0;
            for (int i = 0; i < 40; i++) sum += new byte[4 * 1024 * 1024].Length;   // 160 MB > 64 MB budget
            return sum;
        });
        Assert.Equal(160L * 1024 * 1024, total);
        Assert.Equal(before + 1, NoGcRegion.Overruns);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void AnExceptionInsideEndsTheRegion()
    {
        Assert.Throws<InvalidOperationException>(() => NoGcRegion.Run<int>(() => throw new InvalidOperationException("boom")));
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }
}
