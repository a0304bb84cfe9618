using Cmd.Diffusion;
using TorchSharp;
using static TorchSharp.torch;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Presets;

namespace Cmd.Tests.Models.Denoisers;

/// <summary>Motion DiT, content DiT presets and the cubic baseline: shapes, what conditions what, and clear errors.</summary>
public class CmdDiffusionModelTests
{
    /// <summary>adaLN-Zero starts every block at the identity and the output at zero: give the zero-initialised layers values.</summary>
    static void Wake(nn.Module m)
    {
        manual_seed(3);
        using var _ = no_grad();
        foreach (var (name, p) in m.named_parameters())
            if (p.requires_grad && p.abs().sum().item<float>() == 0) p.normal_(0, 0.05);
    }

    [Fact]
    public void MotionDiTPredictsOnlyZTokensOnTheLByHPlusWGrid()
    {
        var cfg = RunPresets.Tiny.Motion with { GridHeight = 4, GridWidth = 6 }; // non-square H' != W'
        using var model = new MotionDiT(cfg);
        Wake(model);
        model.eval();
        var z = randn(2, 4, 8, 10);
        var content = randn(2, 1, 32, 32);
        var y = tensor(new long[] { 1, 2 });
        var t = tensor(new long[] { 10, 500 });
        using var _ = no_grad();
        var out1 = model.call(z, t, content, y);
        Assert.Equal(new long[] { 2, 8, 8, 10 }, out1.shape);                 // 2D channels (learned sigma), L, H'+W'
        Assert.Equal(cfg.ZTokens, 4 * 5);
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
        Wake(model);
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
    public void CubicBaselineAttendsAcrossSpaceAndTime()
    {
        using var model = new CubicVideoDiT(RunPresets.Tiny.CubicDiT);
        Wake(model);
        model.eval();
        var x = randn([1, 1, 8, 32, 32]);
        var t = tensor(new long[] { 100 });
        var y = tensor(new long[] { 2 });
        using var _ = no_grad();
        var o = model.call(x, t, y);
        Assert.Equal(new long[] { 1, 2, 8, 32, 32 }, o.shape);
        var x2 = x.clone(); x2[0, 0, 0, 0, 0] += 3;   // touch frame 0, top-left patch
        var d = (model.call(x2, t, y) - o).abs();
        Assert.True(d[0, .., 5, 24.., 24..].max().item<float>() > 1e-6); // another frame, another patch
    }

    [Fact]
    public void PaperPresetsBuildAndCount()
    {
        // Table 6 rows and the cubic baseline at UCF-101 scale build (on the meta device) and have DiT-L/XL sizes.
        var ucf = ModelZoo.CountParameters("motion-ucf101");
        var sd21 = ModelZoo.CountParameters("motion-webvid-sd21");
        Assert.InRange(ucf, 440_000_000L, 470_000_000L);
        Assert.InRange(sd21, 650_000_000L, 700_000_000L);
        Assert.True(ModelZoo.CountParameters("cubic-ucf101") > ucf);
        Assert.True(ModelZoo.CountParameters("ae-ucf101") > 0);
    }
}
