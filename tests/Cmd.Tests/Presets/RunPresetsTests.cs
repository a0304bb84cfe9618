using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
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

    /// <summary>Table 5's rows (appendix B.3). Their parameter counts are in <see cref="ParameterCountsEqualTheReferenceCode"/>.</summary>
    [Theory]
    [InlineData("ucf101", 64, 64)]
    [InlineData("webvid-sd15", 64, 64)]
    [InlineData("webvid-sd21", 64, 128)]
    public void PaperTable5PresetsHaveTheTablesSizes(string preset, int h, int w)
    {
        var c = RunPresets.Autoencoder(preset);
        Assert.Equal((4, h, w, 2, 384, 8, 12, 64, 8), (c.Channels, c.Height, c.Width, c.PatchSize, c.Hidden, c.LatentChannels, c.Depth, c.HeadDim, c.Heads));
        Assert.Equal(32, c.GridHeight);
        Assert.Equal(AutoencoderVariant.Paper, c.Variant);
    }

    /// <summary>The sizes of NVlabs/CMD's pixel mode. That its OfficialCode variant has exactly the parameters of their
    /// ProjectedAutoencoder is the "ae-ucf101-pixel-official" case of <see cref="ParameterCountsEqualTheReferenceCode"/>.</summary>
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
    }

    static readonly string[] PaperPresets = ["ucf101", "ucf101-pixel", "webvid-sd15", "webvid-sd21"];

    public static TheoryData<string> ReferenceModels() => new(ReferenceParameterCounts.Models);

    /// <summary>
    /// Every paper-size model has exactly the parameters (all, and trainable) of the reference code built at the preset's
    /// sizes (param_counts.json, made by tests/fixtures/cmd/make_param_counts.py from the parity fixtures' references:
    /// PaperAutoencoder, NVlabs/CMD's ProjectedAutoencoder, PaperMotionDiT, CubicVideoDiTStatement, DiT's own DiT). Ours
    /// are built on the meta device. The sizes are checked first, so a changed preset fails by name.
    /// </summary>
    [Theory]
    [MemberData(nameof(ReferenceModels))]
    public void ParameterCountsEqualTheReferenceCode(string model)
    {
        Assert.Equal(ReferenceParameterCounts.ReferenceSizes(model), ReferenceParameterCounts.Sizes(model));
        Assert.Equal(ReferenceParameterCounts.Parameters(model), ReferenceParameterCounts.Count(model));
        Assert.Equal(ReferenceParameterCounts.Trainable(model), ReferenceParameterCounts.Count(model, trainableOnly: true));
    }

    /// <summary>The reference counts cover every model of every paper-size preset (so a dropped entry cannot pass).</summary>
    [Fact]
    public void ReferenceCountsCoverEveryPaperPresetsModels()
    {
        var expected = new List<string> { ReferenceParameterCounts.OfficialPixelAutoencoder };
        foreach (var name in PaperPresets)
        {
            var p = RunPresets.Named(name);
            expected.AddRange([$"ae-{name}", $"motion-{name}"]);
            if (p.Cubic is not null) expected.Add($"cubic-{name}");
            if (p.Content is not null) expected.Add($"content-{name}");
        }
        Assert.Equal(expected.Order(), ReferenceParameterCounts.Models.Order());
        Assert.Equal(PaperPresets, RunPresets.Names.Except(["tiny", "demo", "small"]));
    }
}
