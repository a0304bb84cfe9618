using Cmd.Benchmarks;
using Cmd.Metrics.Efficiency;
using static TorchSharp.torch;

namespace Cmd.Tests.Benchmarks;

/// <summary>`workbench efficiency --measure`: the tiny networks run, timed and profiled.</summary>
public class EfficiencyMeasurementTests
{
    [Fact]
    public void MeasureRunsTheTinyNetworksAndProfiledFlopsMatchTheCount()
    {
        var s = EfficiencySetting.Preset("tiny");
        var result = EfficiencyMeasurement.Run(s, CPU, repeats: 1);
        var report = new EfficiencyReport(s);
        var content = result.Rows.Single(r => r.Part == "content frame");
        var counted = report.Sampling.Single(r => r.Part == "content frame");
        Assert.Equal(counted.ForwardFlops * counted.Batch, content.ProfiledForwardFlops, 6);
        var decoder = result.Rows.Single(r => r.Part == "decoder");
        Assert.Equal(report.Sampling.Single(r => r.Part == "decoder").ForwardFlops, decoder.ProfiledForwardFlops, 6);
        foreach (var part in new[] { "motion latent", "video" })
        {
            var counted2 = report.Sampling.Single(r => r.Part == part);
            Assert.Equal(counted2.ForwardFlops * counted2.Batch, result.Rows.Single(r => r.Part == part).ProfiledForwardFlops, 6);
        }
        Assert.All(result.Rows, r => Assert.True(r.Forward.MedianSeconds > 0 && r.TrainStep!.MedianSeconds > 0));
        Assert.Contains("peak RSS", result.Format());
    }

    [Fact]
    public void VideosAtOnceMultiplyEveryForwardBatchAndItsFlops()
    {
        var s = EfficiencySetting.Preset("tiny");
        var one = EfficiencyMeasurement.Run(s, CPU, repeats: 1, videos: 1, trainSteps: false);
        var three = EfficiencyMeasurement.Run(s, CPU, repeats: 1, videos: 3, trainSteps: false);
        foreach (var (a, b) in one.Rows.Zip(three.Rows))
        {
            Assert.Equal(3 * a.Batch, b.Batch);
            Assert.Equal(3 * a.ProfiledForwardFlops, b.ProfiledForwardFlops, 6);
            Assert.Null(b.TrainStep);
        }
        // guided networks get the CFG pair of every video, the motion model and the decoder one row per video
        Assert.Equal([6, 3, 3, 6], three.Rows.Select(r => r.Batch));
        Assert.Equal(three.SamplingSeconds("cubic") / three.SamplingSeconds("CMD"), three.Speedup, 12);
        Assert.Contains("3 videos at once", three.Format());
    }

    [Fact]
    public void InTurnTimesTheSameNetworksAtTheSameBatchesAndFlops()
    {
        var s = EfficiencySetting.Preset("tiny");
        var apart = EfficiencyMeasurement.Run(s, CPU, repeats: 1, videos: 2, trainSteps: false);
        var inTurn = EfficiencyMeasurement.RunInTurn(s, CPU, repeats: 2, videos: 2);
        Assert.Equal(apart.Rows.Select(r => (r.Method, r.Part, r.Network, r.Steps, r.Batch)),
            inTurn.Rows.Select(r => (r.Method, r.Part, r.Network, r.Steps, r.Batch)));
        foreach (var (a, b) in apart.Rows.Zip(inTurn.Rows))
            Assert.Equal(a.ProfiledForwardFlops, b.ProfiledForwardFlops, 6);
        Assert.All(inTurn.Rows, r =>
        {
            Assert.True(r.Forward.MinSeconds > 0 && r.Forward.MedianSeconds >= r.Forward.MinSeconds);
            Assert.True(r.Forward.PeakRssBytes > 0 && r.RssBeforeBytes > 0);   // other tests may reset the peak
            Assert.Null(r.TrainStep);
        });
        Assert.Throws<ArgumentException>(() => EfficiencyMeasurement.RunInTurn(s, CPU, videos: 0));
    }
}
