using Cmd.Models.Denoisers;
using Cmd.Presets;
using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Denoisers;

/// <summary>The motion DiT eps_M (Eq. 8): shapes, what conditions what, and clear errors.</summary>
public class MotionDiTTests
{
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
}
