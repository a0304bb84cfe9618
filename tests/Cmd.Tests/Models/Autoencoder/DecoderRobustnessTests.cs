using Cmd.Models.Autoencoder;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Autoencoder;

/// <summary>The workbench's decoder switches: a frozen encoder (x̄ and z stay what the DiTs learned) and noise on z.</summary>
public class DecoderRobustnessTests
{
    static readonly string[] EncoderParts = ["patch_embed.", "encoder.", "importance_head.", "motion_head."];

    [Fact]
    public void AFrozenEncoderGetsNoGradientAndTheLossIsUnchanged()
    {
        var config = RunPresets.Tiny.Autoencoder with { Importance = ImportanceGranularity.Frame };
        manual_seed(0);
        using var plain = new CmdAutoencoder(config);
        using var frozen = new CmdAutoencoder(config with { FreezeEncoder = true });
        frozen.load_state_dict(plain.state_dict());
        using var video = rand(new long[] { 2, 8, 1, 32, 32 }) * 2 - 1;
        var loss = frozen.Loss(video);
        Assert.Equal(plain.Loss(video).item<float>(), loss.item<float>(), 6);
        loss.backward();
        foreach (var (name, p) in frozen.named_parameters())
        {
            bool encoder = EncoderParts.Any(name.StartsWith);
            Assert.True(encoder ? p.grad is null : p.grad is not null, $"{name}: grad {(p.grad is null ? "none" : "set")}");
        }
    }

    [Fact]
    public void NoiseOnZChangesTheLossAndNegativeNoiseIsAClearError()
    {
        var config = RunPresets.Tiny.Autoencoder;
        manual_seed(0);
        using var plain = new CmdAutoencoder(config);
        using var noisy = new CmdAutoencoder(config with { DecoderZNoise = 0.5 });
        noisy.load_state_dict(plain.state_dict());
        foreach (var p in noisy.parameters()) using (no_grad()) p.add_(randn_like(p) * 0.05); // wake the zero-init layers
        plain.load_state_dict(noisy.state_dict());
        using var video = rand(new long[] { 2, 8, 1, 32, 32 }) * 2 - 1;
        manual_seed(1);
        float a = noisy.Loss(video).item<float>();
        manual_seed(1);
        Assert.Equal(a, noisy.Loss(video).item<float>(), 6);               // the noise follows the seed (exact resume)
        Assert.NotEqual(plain.Loss(video).item<float>(), a, 4);
        var e = Assert.Throws<ArgumentException>(() => new CmdAutoencoder(config with { DecoderZNoise = -0.1 }));
        Assert.Contains("decoder z noise", e.Message);
    }

    [Fact]
    public void TheZPriorAddsHalfTheMeanSquareOfZAndNeedsBothItsNumbers()
    {
        var config = RunPresets.Tiny.Autoencoder;
        manual_seed(0);
        using var plain = new CmdAutoencoder(config);
        using var prior = new CmdAutoencoder(config with { ZPriorWeight = 2.0, ZPosteriorStd = 1e-6 });
        foreach (var p in plain.parameters()) using (no_grad()) p.add_(randn_like(p) * 0.05); // wake the zero-init layers
        prior.load_state_dict(plain.state_dict());
        using var video = rand(new long[] { 2, 8, 1, 32, 32 }) * 2 - 1;
        var e = plain.Encode(video);
        double kl = 0.5 * cat([e.Zx.flatten(), e.Zy.flatten()]).pow(2).mean().item<float>();
        Assert.True(kl > 1e-4, $"z is ~0 ({kl}): the test would not see the prior");
        Assert.Equal(plain.Loss(video).item<float>() + 2.0 * kl, prior.Loss(video).item<float>(), 4);
        using var noisy = new CmdAutoencoder(config with { ZPriorWeight = 2.0, ZPosteriorStd = 0.5 });
        noisy.load_state_dict(plain.state_dict());
        Assert.NotEqual(prior.Loss(video).item<float>(), noisy.Loss(video).item<float>(), 4);   // the posterior's noise
        var half = Assert.Throws<ArgumentException>(() => new CmdAutoencoder(config with { ZPriorWeight = 0.1 }));
        Assert.Contains("z prior weight and posterior std", half.Message);
        var frozen = Assert.Throws<ArgumentException>(() =>
            new CmdAutoencoder(config with { ZPriorWeight = 0.1, ZPosteriorStd = 0.5, FreezeEncoder = true }));
        Assert.Contains("--freeze-encoder", frozen.Message);
    }

    [Fact]
    public void MotionTwinsRebuildEachClipFromItsOwnContentFrameAndItsTwinsZ()
    {
        var config = RunPresets.Tiny.Autoencoder;
        manual_seed(0);
        using var twins = new CmdAutoencoder(config with { MotionTwins = true });
        using var video = rand(new long[] { 4, 8, 1, 32, 32 }) * 2 - 1;   // clips 0, 1, then their twins 2, 3
        using var _ = no_grad();
        var e = twins.Encode(video);
        var order = tensor(new long[] { 2, 3, 0, 1 });
        var byHand = nn.functional.mse_loss(twins.Decode(e.ContentFrame[order], e.Zx, e.Zy), video[order]);
        Assert.Equal(byHand.item<float>(), twins.Loss(video).item<float>(), 6);
        var odd = Assert.Throws<ArgumentException>(() => twins.Loss(video.narrow(0, 0, 3)));
        Assert.Contains("motion twins: a batch holds clips then their twins, so an even count (got 3)", odd.Message);
    }
}
