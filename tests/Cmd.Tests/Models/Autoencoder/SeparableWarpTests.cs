using Cmd.Models.Autoencoder;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Autoencoder;

/// <summary>The workbench's separable warp decoder: every frame is the content frame moved along z_x (rows) and z_y (columns).</summary>
public class SeparableWarpTests
{
    /// <summary>One component, sharp, every box open, shifted by (rows, cols) pixels through the projections' biases.</summary>
    static SeparableWarp Shifting(double rows, double cols, int height, bool rigid = false, bool sprites = false)
    {
        var warp = new SeparableWarp(latentChannels: 2, components: 1, height, rigid, sprites);
        using var _ = no_grad();
        var p = warp.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        p["log_sigma"].fill_(Math.Log(0.25));
        p["proj_x.bias"].copy_(tensor(new[] { (float)(rows / (height / 4.0)), 20f }));
        p["proj_y.bias"].copy_(tensor(new[] { (float)(cols / (height / 4.0)), 20f }));
        return warp;
    }

    [Fact]
    public void AShiftInZMovesTheContentFramesInkByThatManyPixels()
    {
        using var warp = Shifting(rows: 3, cols: -5, height: 32);
        var content = full(new long[] { 1, 1, 32, 32 }, -1f);
        content[0, 0, 10, 20] = 1f;                                        // one inked pixel
        var video = warp.Decode(content, zeros(1, 2, 4, 4), zeros(1, 2, 4, 4));
        Assert.Equal(new long[] { 1, 4, 1, 32, 32 }, video.shape);
        var frame = video[0, 2, 0];
        var peak = frame.argmax().item<long>();
        Assert.Equal((13L, 15L), (peak / 32, peak % 32));                  // output row i reads row i - 3, column j reads j + 5
        Assert.True(frame[13, 15].item<float>() > 0.9f && frame[10, 20].item<float>() < -0.9f, $"peak {frame[13, 15].item<float>()}");
    }

    [Fact]
    public void ARigidWarpMovesEveryRowByTheMeanOfTheRowsShifts()
    {
        using var warp = Shifting(rows: 0, cols: 0, height: 32, rigid: true);
        using (no_grad()) warp.get_parameter("proj_x.weight")![0, 0] = 1 / 8.0f;   // z_x channel 0 in pixels
        var content = full(new long[] { 1, 1, 32, 32 }, -1f);
        content[0, 0, 10, 20] = 1f;
        var zx = zeros(1, 2, 4, 4);
        zx[0, 0] = tensor(new[] { 0f, 2f, 4f, 6f });                      // per-row shifts 0..6 pixels, mean 3
        using var _ = no_grad();
        var frame = warp.Decode(content, zx, zeros(1, 2, 4, 4))[0, 1, 0];
        var peak = frame.argmax().item<long>();
        Assert.Equal((13L, 20L), (peak / 32, peak % 32));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ASpriteIsCutFromTheContentFrameAndMovesWithItsInkWhereAFramesBoxStaysBehind(bool sprites)
    {
        using var warp = Shifting(rows: 12, cols: 12, height: 32, rigid: true, sprites);
        using var _ = no_grad();
        warp.get_parameter("proj_x.weight")![1, 1] = 40f;                 // z channel 1: presence, per token row / column
        warp.get_parameter("proj_y.weight")![1, 1] = 40f;
        warp.get_parameter("proj_x.bias")![1] = 0f;
        warp.get_parameter("proj_y.bias")![1] = 0f;
        var z = zeros(1, 2, 4, 4);
        z[0, 1] = tensor(new[] { 1f, -1f, -1f, -1f });                    // only the first token (pixels 0..7) is present
        var content = full(new long[] { 1, 1, 32, 32 }, -1f);
        content[0, 0, 4, 4] = 1f;                                          // in the box
        content[0, 0, 20, 20] = 1f;                                        // outside it
        var frame = warp.Decode(content, z, z)[0, 1, 0];
        if (sprites)
        {
            Assert.True(frame[16, 16].item<float>() > 0.9f, $"the sprite's ink {frame[16, 16].item<float>()}");
            frame[16, 16] = -1f;
            Assert.True(frame.max().item<float>() < -0.9f, $"ink outside the sprite: {frame.max().item<float>()}");
        }
        else Assert.True(frame.max().item<float>() < -0.9f, "a frame's box at pixels 0..7 sees no ink moved to 16");
    }

    [Fact]
    public void ItReplacesThePapersDecoderAndWithoutWeightsOnZEveryFrameIsTheSame()
    {
        var c = RunPresets.Tiny.Autoencoder with { WarpComponents = 2 };
        manual_seed(0);
        using var ae = new CmdAutoencoder(c);
        Assert.DoesNotContain(ae.state_dict().Keys, k => k.StartsWith("decoder.") || k.StartsWith("content_embed"));
        using var _ = no_grad();
        foreach (var (name, p) in ae.named_parameters())
            if (name.StartsWith("motion_warp.proj_") && name.EndsWith(".weight")) p.zero_();
        var content = rand(1, c.Channels, c.Height, c.Width) * 2 - 1;
        var still = ae.Decode(content, randn(1, c.LatentChannels, c.Frames, c.GridHeight), randn(1, c.LatentChannels, c.Frames, c.GridWidth));
        for (int l = 1; l < c.Frames; l++)                                 // z is read through zero weights
            Assert.True(still[0, l].allclose(still[0, 0], rtol: 0, atol: 1e-6), $"frame {l} moved");
        var e = Assert.Throws<ArgumentException>(() => new CmdAutoencoder(c with { ContentKeys = true }));
        Assert.Contains("replace the decoder that content keys extend", e.Message);
    }
}
