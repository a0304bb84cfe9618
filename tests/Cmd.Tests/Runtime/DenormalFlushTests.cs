using Cmd.Runtime;
using static TorchSharp.torch;

namespace Cmd.Tests.Runtime;

/// <summary>DenormalFlush sets the calling thread's FTZ/DAZ bits (what `bench denormals` measures with), and libtorch's results then flush to zero.</summary>
public class DenormalFlushTests
{
    /// <summary>exp(-95) = 5.5e-42 is a denormal float: kept, it is > 0; flushed, 0. Serial (below libtorch's grain).</summary>
    static (bool Flushing, float Min, float Max) ExpOnAFreshThread(bool flush)
    {
        (bool, float, float) seen = default;
        var thread = new Thread(() =>
        {
            Assert.True(DenormalFlush.SetOnThisThread(flush));
            using var e = exp(full(4096, -95f));
            seen = (DenormalFlush.OnThisThread, e.min().item<float>(), e.max().item<float>());
        });
        thread.Start();
        thread.Join();
        return seen;
    }

    [Fact]
    public void FlushedThreadsGiveZeroWhereKeptThreadsGiveTheDenormal()
    {
        var kept = ExpOnAFreshThread(false);
        Assert.False(kept.Flushing);
        Assert.InRange(kept.Min, 5.0e-42f, 6.0e-42f);   // exp(-95) = 5.52e-42
        var flushed = ExpOnAFreshThread(true);
        Assert.True(flushed.Flushing);
        Assert.Equal((0f, 0f), (flushed.Min, flushed.Max));
    }
}
