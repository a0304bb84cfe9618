using Cmd.Metrics.Efficiency;
using static TorchSharp.torch;
using Cmd.Benchmarks;

namespace Cmd.Tests.Metrics;

public class EfficiencyTests
{
    [Fact]
    public void PaperSettingIsCountedAndCubicCostsMore()
    {
        var r = new EfficiencyReport(EfficiencySetting.Preset("paper-webvid-512x1024"));
        Assert.True(r.SamplingRatio > 5, $"ratio {r.SamplingRatio}");
        // content DiT-XL/2 on 64x128 latents = 2048 tokens, counted the same as the DiT formula
        var content = r.Sampling.Single(x => x.Part == "content frame");
        var xl = Cmd.Models.Denoisers.DiTConfig.Official["DiT-XL/2"];
        Assert.Equal(ModelFlops.DiT(xl, 64, 128), content.ForwardFlops);
        Assert.Equal(2, content.Batch); // classifier-free guidance
        Assert.Contains("16.7x", r.Format());
    }

    [Fact]
    public void FramesOptionScalesTheVideoModels()
    {
        var s = EfficiencySetting.Preset("paper-webvid-512x1024");
        var r16 = new EfficiencyReport(s);
        var r8 = new EfficiencyReport(s.WithFrames(8));
        double Cubic(EfficiencyReport r) => r.Sampling.Single(x => x.Method == "cubic").ForwardFlops;
        Assert.InRange(Cubic(r16) / Cubic(r8), 1.9, 2.1);
        Assert.Equal(r16.Sampling[0].ForwardFlops, r8.Sampling[0].ForwardFlops); // content frame does not depend on L
    }

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
}
