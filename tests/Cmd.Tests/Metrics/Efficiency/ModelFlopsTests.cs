using Cmd.Metrics.Efficiency;
using static TorchSharp.torch;

namespace Cmd.Tests.Metrics.Efficiency;

/// <summary>Analytic FLOP counts of the models (ModelFlops, VideoDenoiserFlops) against profiled runs.</summary>
public class ModelFlopsTests
{
    [Fact]
    public void DiTBlockMatchesHandCount()
    {
        const int d = 32, heads = 4, n = 2, l = 9;
        using var block = new Cmd.Models.Denoisers.DiTBlock(d, heads);
        using var prof = new FlopProfiler(block);
        using var x = randn(n, l, d);
        using var c = randn(n, d);
        block.call(x, c).Dispose();
        // hand count: adaLN 2*n*d*6d; qkv 2*nl*d*3d; QK^T, AV 2*(2*n*l*l*d); proj 2*nl*d*d; mlp 2*nl*d*4d*2
        double hand = 2.0 * n * d * 6 * d + 2.0 * n * l * d * 3 * d + 4.0 * n * l * l * d + 2.0 * n * l * d * d + 2 * (2.0 * n * l * d * 4 * d);
        Assert.Equal(hand, prof.Total);
    }

    [Fact]
    public void DiTAnalyticCountEqualsProfiledRun()
    {
        var cfg = Cmd.Models.Denoisers.DiTConfig.Tiny;
        using var model = new Cmd.Models.Denoisers.DiT(cfg);
        using var prof = new FlopProfiler(model);
        using var x = randn(3, cfg.InChannels, cfg.InputSize, cfg.InputSize);
        using var t = tensor(new long[] { 1, 5, 9 });
        using var y = tensor(new long[] { 0, 1, 2 });
        model.eval();
        using (no_grad()) model.call(x, t, y).Dispose();
        Assert.Equal(prof.Total, ModelFlops.DiT(cfg, batch: 3), 6);
        Assert.Equal(ModelFlops.DiT(cfg, 3), ModelFlops.DiT(cfg, cfg.InputSize, cfg.InputSize, 3));
    }

    [Theory]
    [InlineData("tiny", false, false)]
    [InlineData("tiny", true, false)]
    [InlineData("tiny", false, true)]
    public void AutoencoderAnalyticCountEqualsProfiledRun(string preset, bool official, bool contentKeys)
    {
        var cfg = Cmd.Presets.RunPresets.Autoencoder(preset);
        if (official) cfg = cfg.WithVariant(Cmd.Models.Autoencoder.AutoencoderVariant.OfficialCode);
        cfg = cfg with { ContentKeys = contentKeys };
        using var model = new Cmd.Models.Autoencoder.CmdAutoencoder(cfg);
        using var prof = new FlopProfiler(model);
        using var video = rand(new long[] { 2, cfg.Frames, cfg.Channels, cfg.Height, cfg.Width }) * 2 - 1;
        using (no_grad())
        {
            var e = model.Encode(video);
            Assert.Equal(prof.Total, ModelFlops.AutoencoderEncode(cfg, 2), 6);
            prof.Reset();
            model.Decode(e.ContentFrame, e.Zx, e.Zy).Dispose();
            Assert.Equal(prof.Total, ModelFlops.AutoencoderDecode(cfg, 2), 6);
        }
    }

    [Fact]
    public void MotionAndCubicAnalyticCountsEqualProfiledRuns()
    {
        var mc = Cmd.Presets.RunPresets.Tiny.Motion;
        using (var motion = new Cmd.Models.Denoisers.MotionDiT(mc))
        using (var prof = new FlopProfiler(motion))
        using (no_grad())
        {
            using var z = randn(new long[] { 2, mc.LatentChannels, mc.Frames, mc.GridHeight + mc.GridWidth });
            using var content = randn(new long[] { 2, mc.ContentChannels, mc.ContentHeight, mc.ContentWidth });
            motion.call(z, tensor(new long[] { 3, 4 }), content, tensor(new long[] { 1, 2 })).Dispose();
            Assert.Equal(prof.Total, VideoDenoiserFlops.MotionDiT(mc, 2), 6);
        }
        var cc = Cmd.Presets.RunPresets.Tiny.CubicDiT;
        using (var cubic = new Cmd.Models.Denoisers.CubicVideoDiT(cc))
        using (var prof = new FlopProfiler(cubic))
        using (no_grad())
        {
            using var x = randn(new long[] { 2, cc.Channels, cc.Frames, cc.Height, cc.Width });
            cubic.call(x, tensor(new long[] { 3, 4 }), tensor(new long[] { 1, 2 })).Dispose();
            Assert.Equal(prof.Total, VideoDenoiserFlops.CubicDiT(cc, 2), 6);
        }
    }

    [Fact]
    public void PaperSizedModelsAreCountedWithoutRunning()
    {
        // DiT-XL/2 at 256px: the DiT paper reports 118.6 Gflops (multiply-adds) = 237 GFLOPs here (2 per multiply-add).
        double xl = ModelFlops.DiT(Cmd.Models.Denoisers.DiTConfig.Official["DiT-XL/2"]);
        Assert.InRange(xl / 2 / 1e9, 118.0, 119.2);
        double ae = ModelFlops.Autoencoder(Cmd.Presets.RunPresets.WebVidSd21.Autoencoder);
        Assert.True(ae > 1e12, $"webvid autoencoder {ae:E3}");
    }
}
