using Cmd.Models.Denoisers;
using Cmd.Presets;
using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Denoisers;

/// <summary>The motion DiT eps_M (Eq. 8): shapes, what conditions what, and clear errors.</summary>
public class MotionDiTTests
{
    [Fact]
    public void TheMagnitudeConditionModulatesLikeTheClassAndIsRequiredExactlyWhenSwitchedOn()
    {
        var cfg = RunPresets.Tiny.Motion with
            { GridHeight = 4, GridWidth = 4, LatentChannels = 4, MagnitudeCondition = true };
        using var model = new MotionDiT(cfg);
        DenoiserFixtures.Wake(model);
        model.eval();
        Assert.Equal(8, cfg.MagnitudeInputs);
        Assert.Contains("m_embedder.mlp.0.weight", model.state_dict().Keys);
        using var z = randn(2, 4, 8, 8);
        using var content = randn(2, 1, 32, 32);
        using var y = tensor(new long[] { 1, 2 });
        using var t = tensor(new long[] { 10, 500 });
        using var m = rand(2, 8);
        using var _ = no_grad();
        using var out1 = model.Forward(z, t, content, y, m);
        using var out2 = model.Forward(z, t, content, y, m * 2);
        Assert.True((out2 - out1).abs().max().item<float>() > 1e-4, "the magnitudes changed nothing");
        Assert.Contains("conditioned on how far z moves", Assert.Throws<ArgumentException>(() =>
            model.call(z, t, content, y)).Message);
        Assert.Contains("expects magnitudes [2, 8]", Assert.Throws<ArgumentException>(() =>
            model.Forward(z, t, content, y, rand(2, 4))).Message);
        using var paper = new MotionDiT(cfg with { MagnitudeCondition = false });
        Assert.DoesNotContain(paper.state_dict().Keys, k => k.StartsWith("m_embedder"));
        Assert.DoesNotContain("Magnitude", paper.Config.ToJson());              // the paper's config JSON as it was
        Assert.Contains("has no magnitude condition", Assert.Throws<ArgumentException>(() =>
            paper.Forward(z, t, content, y, m)).Message);
    }

    [Fact]
    public void MotionDiTPredictsOnlyZTokensOnTheLByHPlusWGrid()
    {
        var cfg = RunPresets.Tiny.Motion with { GridHeight = 4, GridWidth = 6 }; // non-square H' != W'
        using var model = new MotionDiT(cfg);
        DenoiserFixtures.Wake(model);
        model.eval();
        var z = randn(2, 4, 8, 10);
        var content = randn(2, 1, 32, 32);
        var y = tensor(new long[] { 1, 2 });
        var t = tensor(new long[] { 10, 500 });
        using var _ = no_grad();
        var out1 = model.call(z, t, content, y);
        Assert.Equal(new long[] { 2, 8, 8, 10 }, out1.shape);                 // 2D channels (learned sigma), L, H'+W'
        Assert.Equal(4 * 5, cfg.ZTokens);
        // the content frame is a real (dense) condition, and so is the class
        Assert.True((model.call(z, t, randn(2, 1, 32, 32), y) - out1).abs().max().item<float>() > 1e-4);
        Assert.True((model.call(z, t, content, tensor(new long[] { 3, 4 })) - out1).abs().max().item<float>() > 1e-4);
        // z_y tokens see z_x tokens through attention
        var z2 = z.clone(); z2[.., .., .., 9] += 1;
        Assert.True((model.call(z2, t, content, y)[.., .., .., ..4] - out1[.., .., .., ..4]).abs().max().item<float>() > 1e-5);
    }

    [Theory]
    [InlineData(MotionCondition.None)]
    [InlineData(MotionCondition.Text)]
    public void MotionDiTTakesNoConditionOrATextEmbedding(MotionCondition condition)
    {
        using var model = new MotionDiT(RunPresets.Tiny.Motion with { Condition = condition, TextDim = 12 });
        DenoiserFixtures.Wake(model);
        var cond = condition == MotionCondition.Text ? randn(2, 12) : null;
        using var _ = no_grad();
        var o = model.call(randn(2, 4, 8, 8), tensor(new long[] { 1, 2 }), randn(2, 1, 32, 32), cond);
        Assert.Equal(new long[] { 2, 8, 8, 8 }, o.shape);
        Assert.Equal(condition == MotionCondition.Text, model.state_dict().ContainsKey("text_proj.weight"));
        Assert.False(model.state_dict().ContainsKey("y_embedder.embedding_table.weight"));
    }

    [Theory]
    [InlineData(4, 64)]
    [InlineData(8, 16)]
    [InlineData(16, 4)]
    public void KeyPatchSizeSetsTheContentTokenCount(int keyPatch, int tokens)
    {
        var cfg = RunPresets.Tiny.Motion with { ContentHeight = 32, ContentWidth = 32, KeyPatchSize = keyPatch };
        Assert.Equal(tokens, cfg.ContentTokens);
        using var model = new MotionDiT(cfg);
        using var _ = no_grad();
        Assert.Equal(new long[] { 1, 8, 8, 8 }, model.call(randn(1, 4, 8, 8), tensor(new long[] { 5 }), randn(1, 1, 32, 32), tensor(new long[] { 0 })).shape);
    }

    [Fact]
    public void MotionDiTBadShapesAreClearErrors()
    {
        using var model = new MotionDiT(RunPresets.Tiny.Motion);
        var t = tensor(new long[] { 1 });
        Assert.Contains("expects z", Assert.Throws<ArgumentException>(() => model.call(randn(1, 4, 8, 9), t, randn(1, 1, 32, 32), tensor(new long[] { 0 }))).Message);
        Assert.Contains("content frames", Assert.Throws<ArgumentException>(() => model.call(randn(1, 4, 8, 8), t, randn(1, 1, 16, 16), tensor(new long[] { 0 }))).Message);
        Assert.Contains("condition is required", Assert.Throws<ArgumentException>(() => model.call(randn(1, 4, 8, 8), t, randn(1, 1, 32, 32), null)).Message);
        Assert.Throws<ArgumentException>(() => new MotionDiTConfig { GridHeight = 7 }.Validate());
        Assert.Throws<ArgumentException>(() => RunPresets.Motion("huge"));
    }

    [Fact]
    public void AFramePatchMakesATokenOfACellsFramesInTheOfficialOrder()
    {
        var cfg = RunPresets.Tiny.Motion with { FramePatch = 8, PatchSize = 1 };   // z [N, 4, 8, 8]: tokens 1 x 8
        Assert.Equal((1, 8, 8), (cfg.ZGridRows, cfg.ZGridCols, cfg.ZTokens));
        using var model = new MotionDiT(cfg);
        DenoiserFixtures.Wake(model);
        model.eval();
        Assert.Equal([64L, 4, 8, 1], model.state_dict()["x_embedder.proj.weight"].shape);
        Assert.Equal([8L * 8, 64], model.state_dict()["final_layer.linear.weight"].shape);   // 8 frames x 8 channels
        using var _ = no_grad();
        var z = randn(1, 4, 8, 8);
        var t = tensor(new long[] { 300 });
        var content = randn(1, 1, 32, 32);
        var y = tensor(new long[] { 1 });
        var out1 = model.call(z, t, content, y);
        Assert.Equal([1L, 8, 8, 8], out1.shape);
        // one token's readout is one cell's 8 frames: zero its output weights and only that cell's column changes
        using (no_grad())
        {
            var w = model.state_dict()["final_layer.linear.weight"];
            var b = model.state_dict()["final_layer.linear.bias"];
            w.zero_(); b.zero_();
            // the official unpatchify order within a token: (frame, cell, channel); output channel 0 at every frame
            for (int f = 0; f < 8; f++) b[f * 8] = 1;
        }
        var out2 = model.call(z, t, content, y);
        Assert.True(out2[0, 0].allclose(ones(8, 8), 0, 0), "channel 0 is 1 in every frame and cell");
        Assert.Equal(0f, out2[0, 1..].abs().max().item<float>());
        // and a token reads only its own cell, over all its frames
        using var embed = new PatchEmbed(8, 1, 4, 16);
        var x = zeros(1, 4, 8, 8);
        var before = embed.call(x);
        x[0, .., 5, 3] += 1;
        var changed = (embed.call(x) - before).abs().amax(-1)[0];            // per token
        Assert.True(changed[3].item<float>() > 0);
        Assert.Equal(0f, cat([changed[..3], changed[4..]]).max().item<float>());
    }

    [Fact]
    public void FramePatchOfThePatchSizeIsThePapersModelAndAnUnevenOneIsAClearError()
    {
        manual_seed(3);
        using var paper = new MotionDiT(RunPresets.Tiny.Motion);
        manual_seed(3);
        using var same = new MotionDiT(RunPresets.Tiny.Motion with { FramePatch = 2 });
        DenoiserFixtures.Wake(paper);
        same.load_state_dict(paper.state_dict());
        paper.eval(); same.eval();
        using var _ = no_grad();
        var (z, t, c, y) = (randn(2, 4, 8, 8), tensor(new long[] { 5, 900 }), randn(2, 1, 32, 32), tensor(new long[] { 0, 9 }));
        Assert.True(paper.call(z, t, c, y).allclose(same.call(z, t, c, y), 0, 0));
        var json = RunPresets.Tiny.Motion.ToJson().Replace("\"FramePatch\":0,", "");
        Assert.DoesNotContain("FramePatch", json);                          // a config written before the switch
        Assert.Equal(0, MotionDiTConfig.FromJson(json).FramePatch);
        var e = Assert.Throws<ArgumentException>(() => new MotionDiT(RunPresets.Tiny.Motion with { FramePatch = 3 }));
        Assert.Contains("frames per patch 3", e.Message);
    }
}
