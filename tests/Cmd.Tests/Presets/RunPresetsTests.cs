using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Cmd.Tests.Presets;

/// <summary>The named presets of a CMD run: every preset's three models fit together, lookups fail clearly, paper sizes (appendix B.3, Tables 5-6).</summary>
public class RunPresetsTests
{
    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var name in RunPresets.Names) names.Add(name);
        return names;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void MotionDiTFitsTheAutoencodersZAndContentFrame(string name)
    {
        var p = RunPresets.Named(name);
        var (ae, m) = (p.Autoencoder, p.Motion);
        Assert.Equal((ae.LatentChannels, ae.Frames, ae.GridHeight, ae.GridWidth), (m.LatentChannels, m.Frames, m.GridHeight, m.GridWidth));
        Assert.Equal((ae.Channels, ae.Height, ae.Width), (m.ContentChannels, m.ContentHeight, m.ContentWidth));
        m.Validate(); // throws where the fitted shapes do not divide into patches
        Assert.Equal(m, RunPresets.Motion(name));
        if (p.Cubic is { } cubic)
            Assert.Equal((ae.Channels, ae.Frames, ae.Height, ae.Width), (cubic.Channels, cubic.Frames, cubic.Height, cubic.Width));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ContentDiTFitsTheContentFrames(string name)
    {
        var p = RunPresets.Named(name);
        if (p.Content is null)
        {
            // WebVid: the paper fine-tunes Stable Diffusion for the content frames; asking for a content DiT names the preset
            Assert.StartsWith("webvid", name);
            Assert.Contains($"'{name}'", Assert.Throws<ArgumentException>(() => p.ContentDiT).Message);
            return;
        }
        var (ae, c) = (p.Autoencoder, p.ContentDiT);
        Assert.Equal((ae.Channels, ae.Height, ae.Width), (c.InChannels, c.InputSize, c.InputSize));
        Assert.Equal(c, RunPresets.ContentDiT(name));
    }

    /// <summary>The Moving MNIST presets run: a clip's encoding goes through the motion DiT and its content frame through the content DiT.</summary>
    [Theory]
    [InlineData("tiny")]
    [InlineData("demo")]
    [InlineData("small")]
    public void ModelsOfTheMovingMnistPresetsTakeTheAutoencodersOutputs(string name)
    {
        var p = RunPresets.Named(name);
        var data = p.MovingMnist;
        Assert.Equal((p.Autoencoder.Frames, p.Autoencoder.Channels, p.Autoencoder.Height, p.Autoencoder.Width), (data.Frames, data.Channels, data.Size, data.Size));
        manual_seed(0);
        using var ae = new CmdAutoencoder(p.Autoencoder);
        using var motion = new MotionDiT(p.Motion);
        using var content = new DiT(p.ContentDiT);
        foreach (var m in new TorchSharp.torch.nn.Module[] { ae, motion, content }) m.eval();
        using var _ = no_grad();
        var video = rand(new long[] { 2, p.Autoencoder.Frames, p.Autoencoder.Channels, p.Autoencoder.Height, p.Autoencoder.Width }) * 2 - 1;
        var e = ae.Encode(video);
        var t = tensor(new long[] { 3, 700 });
        var y = tensor(new long[] { 1, 9 });
        var eps = motion.call(e.Z, t, e.ContentFrame, y);
        Assert.Equal(new long[] { 2, 2 * p.Autoencoder.LatentChannels, p.Autoencoder.Frames, p.Autoencoder.GridHeight + p.Autoencoder.GridWidth }, eps.shape);
        var (zx, zy) = MotionLatent.Split(eps[.., ..p.Autoencoder.LatentChannels], p.Autoencoder.GridHeight, p.Autoencoder.GridWidth);
        Assert.Equal(video.shape, ae.Decode(e.ContentFrame, zx, zy).shape);
        Assert.Equal(new long[] { 2, 2 * p.Autoencoder.Channels, p.Autoencoder.Height, p.Autoencoder.Width }, content.call(e.ContentFrame, t, y).shape);
    }

    [Fact]
    public void EveryNameIsItsPresetAndLookupIgnoresCase()
    {
        Assert.Equal(["tiny", "demo", "small", "ucf101", "ucf101-pixel", "webvid-sd15", "webvid-sd21"], RunPresets.Names);
        foreach (var name in RunPresets.Names)
        {
            Assert.Equal(name, RunPresets.Named(name).Name);
            Assert.Equal(name, RunPresets.Named(name.ToUpperInvariant()).Name);
            Assert.Equal(RunPresets.Named(name).Autoencoder, RunPresets.Autoencoder(name));
        }
        Assert.Equal(["tiny", "demo", "small", "ucf101", "ucf101-pixel"], RunPresets.NamesWith(p => p.Content));
    }

    [Fact]
    public void UnknownNamesAreErrorsThatNameThePresetAndListTheKnownOnes()
    {
        foreach (var lookup in new (string Kind, Action Call)[]
                 {
                     ("", () => RunPresets.Named("huge")),
                     ("autoencoder ", () => RunPresets.Autoencoder("huge")),
                     ("motion DiT ", () => RunPresets.Motion("huge")),
                     ("cubic DiT ", () => RunPresets.Cubic("huge")),
                     ("content DiT ", () => RunPresets.ContentDiT("huge")),
                 })
        {
            var message = Assert.Throws<ArgumentException>(lookup.Call).Message;
            Assert.Contains($"unknown {lookup.Kind}preset 'huge'", message);
            foreach (var known in RunPresets.Names) Assert.Contains(known, message);
        }
        Assert.Contains("'webvid-sd15' has no cubic baseline", Assert.Throws<ArgumentException>(() => RunPresets.Cubic("webvid-sd15")).Message);
        Assert.Contains("'ucf101' trains on UCF-101/WebVid latents", Assert.Throws<ArgumentException>(() => RunPresets.Ucf101.MovingMnist).Message);
    }

    [Theory]
    [InlineData("ucf101", 64, 64)]
    [InlineData("webvid-sd15", 64, 64)]
    [InlineData("webvid-sd21", 64, 128)]
    public void PaperTable5PresetsBuildAndCountParameters(string preset, int h, int w)
    {
        var c = RunPresets.Autoencoder(preset);
        Assert.Equal((4, h, w, 2, 384, 8, 12, 64, 8), (c.Channels, c.Height, c.Width, c.PatchSize, c.Hidden, c.LatentChannels, c.Depth, c.HeadDim, c.Heads));
        Assert.Equal(32, c.GridHeight);
        using var ae = new CmdAutoencoder(c);
        long n = ae.ParameterCount();
        // two TimeSformers of 12 blocks: per block 2 x (384*1536+1536 + 512*384+384) + GEGLU (384*3072+3072 + 1536*384+384) + 3 LN
        long block = 2 * (384L * 1536 + 1536 + 512 * 384 + 384) + (384L * 3072 + 3072 + 1536 * 384 + 384) + 3 * 2 * 384;
        Assert.InRange(n, 24 * block, 24 * block + 200_000);
    }

    [Fact]
    public void Ucf101PixelFollowsTheAuthorsPixelModeCode()
    {
        // NVlabs/CMD tools/utils.py get_models, --mode pixel: ProjectedAutoencoder(dim=384, image_size=64x64, patch_size=2,
        // channels=3, n_frames=16, embed_dim=8, depth=8), timm Attention(dim, num_heads=8): 8 heads of 384 / 8 = 48.
        var p = RunPresets.Named("ucf101-pixel");
        var c = p.Autoencoder;
        Assert.Equal((3, 16, 64, 64, 2, 384, 8, 8, 8, 48), (c.Channels, c.Frames, c.Height, c.Width, c.PatchSize, c.Hidden, c.LatentChannels, c.Depth, c.Heads, c.HeadDim));
        Assert.Equal((1e-5, 0.5, 0.9, 24), (c.LearningRate, c.Beta1, c.Beta2, c.BatchSize)); // B.3
        Assert.Null(p.Data); // the user's UCF-101 (--dataset ucf101 --root)
        Assert.Equal((4, 2, 1024, 24, 101), (p.Motion.KeyPatchSize, p.Motion.PatchSize, p.Motion.HiddenSize, p.Motion.Depth, p.Motion.NumClasses)); // Table 6: DiT-L/2
        Assert.Equal((3, 64, 101, 1152), (p.ContentDiT.InChannels, p.ContentDiT.InputSize, p.ContentDiT.NumClasses, p.ContentDiT.HiddenSize)); // Table 7: DiT-XL/2
        using var ae = new CmdAutoencoder(c);
        // per block: attention over time and over space (qkv 384 -> 1152, out 384 -> 384), GEGLU feed-forward, 3 LayerNorms
        long block = 2 * (384L * 1152 + 1152 + 384 * 384 + 384) + (384L * 3072 + 3072 + 1536 * 384 + 384) + 3 * 2 * 384;
        Assert.InRange(ae.ParameterCount(), 16 * block, 16 * block + 200_000);
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
        Assert.Equal(Models.Autoencoder.AutoencoderParameterFormula.Count(RunPresets.Ucf101.Autoencoder), ModelZoo.CountParameters("ae-ucf101"));
    }
}
