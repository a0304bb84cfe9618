using Cmd.Metrics.Efficiency;

namespace Cmd.Tests.Metrics.Efficiency;

/// <summary>The efficiency report (Figure 1, Table 7): counted FLOPs of CMD against the cubic baseline.</summary>
public class EfficiencyReportTests
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
}
