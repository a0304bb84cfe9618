using Cmd.Benchmarks;
using static TorchSharp.torch;

namespace Cmd.Tests.Benchmarks;

public class MeasurementTests
{
    [Fact]
    public void PeakRssIsReadAndMeasurementTimes()
    {
        var m = Measurement.Run(() => { using var a = randn(256, 256); a.matmul(a).Dispose(); }, warmup: 1, repeats: 3);
        Assert.True(m.MedianSeconds > 0 && m.MinSeconds <= m.MedianSeconds);
        Assert.True(m.PeakRssBytes > 10_000_000, $"peak RSS {m.PeakRssBytes}");
    }
}
