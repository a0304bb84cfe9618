using Cmd.Metrics.Efficiency;

namespace Cmd.Tests.Metrics.Efficiency;

/// <summary>The efficiency report (Figure 1, Table 7): counted FLOPs of CMD against the cubic baseline.</summary>
public class EfficiencyReportTests
{
    /// <summary>
    /// The sampling FLOPs ratio at paper-webvid-512x1024 against a hand count written here from the architectures
    /// (FLOPs = 2 x multiply-adds): SD latents 4x64x128, 16 frames; content DiT-XL/2 (d 1152, depth 28) on 32x64 = 2048
    /// tokens, 50 DDIM steps with guidance (batch 2); motion DiT-XL/2 on z 8x16x(32+64) at patch 2 (8 x 48 = 384 tokens) plus
    /// 8x16 = 128 content tokens of key patch 8, 100 steps; the Table 5 decoder (C' 384, 12 blocks, 8 heads x 64, GEGLU x4)
    /// on 16 x 32x64 tokens; the cubic DiT-XL/2 on 16 x 2048 tokens with spatial and temporal attention, 50 steps x 2.
    /// </summary>
    [Fact]
    public void SamplingRatioAtPaperWebVid512x1024EqualsTheHandCount()
    {
        static double Mm(double rows, double inF, double outF) => 2 * rows * inF * outF;
        static double Attn(double sequences, double length, double width) => 2 * 2 * sequences * length * length * width; // QK^T, AV
        const double d = 1152, depth = 28;
        double DitBlock(double tokens, double chunks) => Mm(1, d, chunks * d) + Mm(tokens, d, 3 * d) + Attn(1, tokens, d) + Mm(tokens, d, d)
                                                        + Mm(tokens, d, 4 * d) + Mm(tokens, 4 * d, d);
        double tEmbed = Mm(1, 256, d) + Mm(1, d, d), final = Mm(1, d, 2 * d);

        double content = Mm(2048, 4 * 2 * 2, d) + tEmbed + depth * DitBlock(2048, 6) + final + Mm(2048, d, 2 * 4 * 2 * 2);
        double motion = Mm(384, 8 * 2 * 2, d) + Mm(128, 4 * 8 * 8, d) + tEmbed + depth * DitBlock(384 + 128, 6) + final
                        + Mm(384, d, 2 * 8 * 2 * 2);
        const double c = 384, inner = 512, rows = 16 * 2048;
        double tsBlock = Mm(rows, c, 3 * inner) + Attn(2048, 16, inner) + Mm(rows, inner, c)      // time attention
                         + Mm(rows, c, 3 * inner) + Attn(16, 2048, inner) + Mm(rows, inner, c)    // space attention
                         + Mm(rows, c, 2 * 4 * c) + Mm(rows, 4 * c, c);                          // GEGLU
        double decoder = Mm(2048, 4 * 2 * 2, c) + Mm(16 * (32 + 64), 8, c) + 12 * tsBlock + Mm(rows, c, 4 * 2 * 2);
        double cubicBlock = Mm(1, d, 9 * d) + Mm(rows, d, 3 * d) + Attn(16, 2048, d) + Mm(rows, d, d)   // spatial
                            + Mm(rows, d, 3 * d) + Attn(2048, 16, d) + Mm(rows, d, d)                   // temporal
                            + Mm(rows, d, 4 * d) + Mm(rows, 4 * d, d);
        double cubic = Mm(rows, 4 * 2 * 2, d) + tEmbed + depth * cubicBlock + final + Mm(rows, d, 2 * 4 * 2 * 2);
        double hand = cubic * 50 * 2 / (content * 50 * 2 + motion * 100 + decoder);

        var r = new EfficiencyReport(EfficiencySetting.Preset("paper-webvid-512x1024"));
        Assert.Equal(hand, r.SamplingRatio, 1e-9 * hand);
        Assert.Equal(content, r.Sampling.Single(x => x.Part == "content frame").ForwardFlops, 1e-9 * content);
        Assert.Equal(motion, r.Sampling.Single(x => x.Part == "motion latent").ForwardFlops, 1e-9 * motion);
        Assert.Equal(decoder, r.Sampling.Single(x => x.Part == "decoder").ForwardFlops, 1e-9 * decoder);
        Assert.Equal(ModelFlops.DiT(Cmd.Models.Denoisers.DiTConfig.Official["DiT-XL/2"], 64, 128), content, 1e-9 * content);
        // the printed ratio is the computed one (the paper's 16.7x is printed beside it as a reference)
        Assert.Contains(FormattableString.Invariant($"FLOPs ratio cubic / CMD = {hand:F1}x"), r.Format());
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
