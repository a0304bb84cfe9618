using Cmd.Models.Autoencoder;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Autoencoder;

/// <summary>The autoencoder's equations (paper section 3.2) checked on random weights and inputs.</summary>
public class CmdAutoencoderTests
{
    static Tensor RandomVideo(AutoencoderConfig c, int batch = 2, int seed = 1)
    {
        manual_seed(seed);
        return rand(new long[] { batch, c.Frames, c.Channels, c.Height, c.Width }) * 2 - 1;
    }

    /// <summary>The importance head starts at zero (uniform weights); tests of Eq. 3 give it random weights first.</summary>
    static void RandomizeImportance(CmdAutoencoder ae)
    {
        using var _ = no_grad();
        foreach (var (name, p) in ae.named_parameters())
            if (name.StartsWith("importance_head.")) p.copy_(randn_like(p) * 0.5);
    }

    [Theory]
    [InlineData(ImportanceGranularity.Pixel)]
    [InlineData(ImportanceGranularity.PixelChannel)]
    [InlineData(ImportanceGranularity.Frame)]
    public void ImportanceWeightsSumToOneOverTimeAtEveryPixel(ImportanceGranularity granularity)
    {
        var c = RunPresets.Tiny.Autoencoder with { Channels = 3, Importance = granularity };
        manual_seed(0);
        using var ae = new CmdAutoencoder(c);
        RandomizeImportance(ae);
        using var _ = no_grad();
        var e = ae.Encode(RandomVideo(c));
        long expectedChannels = granularity == ImportanceGranularity.PixelChannel ? 3 : 1;
        long expectedSide = granularity == ImportanceGranularity.Frame ? 1 : c.Height;
        Assert.Equal(new long[] { 2, c.Frames, expectedChannels, expectedSide, expectedSide }, e.Weights.shape);
        var sums = e.Weights.sum(1);
        Assert.True(sums.sub(1).abs().max().item<float>() < 1e-5f, "weights do not sum to 1 over time");
        Assert.True(e.Weights.min().item<float>() > 0f);
        // the weights are not all equal (the head really weighs frames)
        Assert.True(e.Weights.std().item<float>() > 1e-6f);
    }

    [Theory]
    [InlineData(ImportanceGranularity.Pixel)]
    [InlineData(ImportanceGranularity.PixelChannel)]
    public void ContentFrameOfAStaticVideoIsItsFrame(ImportanceGranularity granularity)
    {
        var c = RunPresets.Tiny.Autoencoder with { Channels = 3, Importance = granularity };
        manual_seed(0);
        using var ae = new CmdAutoencoder(c);
        RandomizeImportance(ae);
        using var _ = no_grad();
        var frame = rand(new long[] { 2, 1, 3, c.Height, c.Width }) * 2 - 1;
        var video = frame.expand(2, c.Frames, 3, c.Height, c.Width).contiguous();
        var e = ae.Encode(video);
        Assert.Equal(new long[] { 2, 3, c.Height, c.Width }, e.ContentFrame.shape);
        Assert.True(e.ContentFrame.sub(frame.squeeze(1)).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void ContentFrameIsTheWeightedSumOfEquation3()
    {
        var c = RunPresets.Tiny.Autoencoder with { Channels = 2, Importance = ImportanceGranularity.PixelChannel };
        manual_seed(0);
        using var ae = new CmdAutoencoder(c);
        RandomizeImportance(ae);
        using var _ = no_grad();
        var video = RandomVideo(c);
        var e = ae.Encode(video);
        Assert.True(e.Weights.std().item<float>() > 1e-3f);
        // one pixel by hand: x̄[b,ch,i,j] = Σ_l x[b,l,ch,i,j] * w[b,l,ch,i,j]
        double expected = 0;
        for (int l = 0; l < c.Frames; l++)
            expected += video[1, l, 1, 5, 7].item<float>() * e.Weights[1, l, 1, 5, 7].item<float>();
        Assert.Equal(expected, e.ContentFrame[1, 1, 5, 7].item<float>(), 5);
    }

    [Theory]
    [InlineData(ImportanceGranularity.Pixel)]
    [InlineData(ImportanceGranularity.PixelChannel)]
    [InlineData(ImportanceGranularity.Frame)]
    public void FreshImportanceHeadStartsAtThePlainMean(ImportanceGranularity granularity)
    {
        // zero-initialised f_I: softmax of equal logits, so x̄ starts as the mean frame, and the gradient still reaches f_I
        var c = RunPresets.Tiny.Autoencoder with { Channels = 2, Importance = granularity };
        manual_seed(0);
        using var ae = new CmdAutoencoder(c);
        var video = RandomVideo(c);
        var e = ae.Encode(video);
        Assert.True(e.ContentFrame.sub(video.mean([1])).abs().max().item<float>() < 1e-5f);
        ae.Decode(e.ContentFrame, e.Zx, e.Zy).sub(video).pow(2).mean().backward();
        string head = granularity == ImportanceGranularity.Frame ? "importance_head.frame_proj.weight" : "importance_head.proj.weight";
        var grad = ae.named_parameters().Single(kv => kv.name == head).parameter.grad;
        Assert.True(grad is not null && grad.abs().max().item<float>() > 0f, "no gradient reaches the zero-initialised importance head");
    }

    [Fact]
    public void PlainAverageSwitchGivesTheMeanFrame()
    {
        var c = RunPresets.Tiny.Autoencoder with { WeightedSum = false };
        manual_seed(0);
        using var ae = new CmdAutoencoder(c);
        using var _ = no_grad();
        var video = RandomVideo(c);
        var e = ae.Encode(video);
        Assert.True(e.ContentFrame.sub(video.mean([1])).abs().max().item<float>() < 1e-6f);
        Assert.True(e.FrameWeights.sub(1.0 / c.Frames).abs().max().item<float>() < 1e-7f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MotionLatentShapesAreDxLxHprimeAndDxLxWprime(bool official)
    {
        // non-square frames so H' != W'
        var c = RunPresets.Tiny.Autoencoder with { Height = 32, Width = 48, LatentChannels = 3 };
        if (official) c = c.WithVariant(AutoencoderVariant.OfficialCode);
        manual_seed(0);
        using var ae = new CmdAutoencoder(c);
        using var _ = no_grad();
        var video = RandomVideo(c);
        var e = ae.Encode(video);
        Assert.Equal(new long[] { 2, 3, c.Frames, 4 }, e.Zx.shape);  // D x L x H' (H' = 32/8)
        Assert.Equal(new long[] { 2, 3, c.Frames, 6 }, e.Zy.shape);  // D x L x W' (W' = 48/8)
        Assert.Equal(new long[] { 2, 3, c.Frames, 10 }, e.Z.shape);
        var recon = ae.Decode(e.ContentFrame, e.Z);
        Assert.Equal(video.shape, recon.shape);
        Assert.True(recon.sub(ae.call(video)).abs().max().item<float>() < 1e-5f);
        if (official)
        {
            Assert.True(e.Zx.abs().max().item<float>() <= 1f); // tanh
            Assert.True(recon.abs().max().item<float>() < 1f); // 2 sigmoid - 1
        }
    }

    [Fact]
    public void MotionLatentAveragesUAcrossTheRightAxes()
    {
        // z_x depends on rows only through the x-average: features constant along x but varying along y
        // show up in z_x's H' axis and vanish from z_y's W' axis (which averages them out).
        var c = RunPresets.Tiny.Autoencoder with { Depth = 0, LatentChannels = 2, FinalNorm = false };
        manual_seed(0);
        var head = new MotionLatentHead(c);
        using var _ = no_grad();
        int gh = c.GridHeight, gw = c.GridWidth;
        var rowValue = arange(gh, dtype: float32).view(1, 1, gh, 1, 1).expand(1, c.Frames, gh, gw, c.Hidden);
        var u = rowValue.reshape(1, c.Frames, gh * gw, c.Hidden);
        var (zx, zy) = head.Project(u);
        Assert.True(zx[0, 0, 0, 0].item<float>() != zx[0, 0, 0, 1].item<float>()); // varies with the row
        Assert.True(zy.sub(zy[.., .., .., ..1]).abs().max().item<float>() < 1e-5f); // constant along columns
    }

    [Fact]
    public void DecoderSumsContentAndMotionEmbeddingsAsEquation6()
    {
        // with z = 0 and a static content frame, v^x and v^y are the same constant at every (l, h, w):
        // the decoder input differs across frames only through the time position embedding, so the
        // reconstructed frames must differ (the TimeSformer sees time positions).
        var c = RunPresets.Tiny.Autoencoder;
        manual_seed(0);
        using var ae = new CmdAutoencoder(c);
        using var _ = no_grad();
        var content = rand(1, c.Channels, c.Height, c.Width);
        var recon = ae.Decode(content, zeros(1, c.LatentChannels, c.Frames, c.GridHeight), zeros(1, c.LatentChannels, c.Frames, c.GridWidth));
        Assert.True(recon[0, 0].sub(recon[0, 3]).abs().max().item<float>() > 1e-4f, "frames identical: no time position information");
    }

    [Fact]
    public void ContentKeysAddNoWeightsAndChangeOnlyTheDecoder()
    {
        var c = RunPresets.Tiny.Autoencoder;
        manual_seed(0);
        using var plain = new CmdAutoencoder(c);
        using var keyed = new CmdAutoencoder(c with { ContentKeys = true });
        Assert.Equal(plain.state_dict().Keys.Order(), keyed.state_dict().Keys.Order());   // checkpoints load both ways
        keyed.load_state_dict(plain.state_dict());
        using var _ = no_grad();
        var video = RandomVideo(c);
        var (e, k) = (plain.Encode(video), keyed.Encode(video));
        Assert.True(e.Zx.allclose(k.Zx, rtol: 0, atol: 0) && e.ContentFrame.allclose(k.ContentFrame, rtol: 0, atol: 0));
        var difference = plain.Decode(e.ContentFrame, e.Zx, e.Zy).sub(keyed.Decode(k.ContentFrame, k.Zx, k.Zy)).abs();
        Assert.True(difference.amax(new long[] { 0, 2, 3, 4 }).min().item<float>() > 1e-5f, "a frame ignores the content keys");
        Assert.True(AutoencoderConfig.FromJson((c with { ContentKeys = true }).ToJson()).ContentKeys);
    }

    [Fact]
    public void StateDictUsesPaperNamedModules()
    {
        using var ae = new CmdAutoencoder(RunPresets.Tiny.Autoencoder);
        var keys = ae.state_dict().Keys.ToHashSet();
        foreach (var k in new[] { "patch_embed.weight", "encoder.blocks.0.time_attn.qkv.weight", "encoder.blocks.0.space_attn.proj.bias",
                     "encoder.blocks.0.ff.fc1.weight", "importance_head.proj.weight", "motion_head.proj.weight", "content_embed.weight",
                     "motion_embed.weight", "decoder.norm.weight", "output_layer.weight" })
            Assert.Contains(k, keys);
    }

    [Fact]
    public void WrongVideoShapeIsAClearError()
    {
        using var ae = new CmdAutoencoder(RunPresets.Tiny.Autoencoder);
        var e = Assert.Throws<ArgumentException>(() => ae.Encode(zeros(new long[] { 1, 3, 1, 32, 32 })));
        Assert.Contains("expects videos [B, L=8", e.Message);
        Assert.Throws<ArgumentException>(() => RunPresets.Tiny.Autoencoder with { PatchSize = 5 } is var c ? new CmdAutoencoder(c) : null);
        Assert.Contains("unknown autoencoder preset", Assert.Throws<ArgumentException>(() => RunPresets.Autoencoder("huge")).Message);
    }
}
