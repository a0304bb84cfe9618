using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Pipeline;

/// <summary>CMD's sampling pipeline: class -> content frame -> motion latent -> decoder -> video.</summary>
public class CmdSamplerTests
{
    [Fact]
    public void PipelineSamplesVideos()
    {
        var dir = Fixtures.TempDir("pipe");
        using var pairs = PipelineFixtures.TinyPairs(8);
        using var ae = new CmdAutoencoder(RunPresets.Tiny.Autoencoder);
        ae.eval();
        using var content = new DiT(RunPresets.Tiny.ContentDiT);
        using (var m = new MotionDiT(RunPresets.Tiny.Motion)) DiffusionTraining.TrainMotion(m, pairs, PipelineFixtures.Options(Path.Combine(dir, "motion"), 1), 2);
        var motion = ModelStore.LoadMotion(Path.Combine(dir, "motion"));
        manual_seed(0);
        var s = CmdSampler.Sample(ae, content, motion, [1, 2, 3], contentSteps: 2, motionSteps: 2, batchSize: 2);
        Assert.Equal(new long[] { 3, 8, 1, 32, 32 }, s.Videos.shape);
        Assert.Equal(new long[] { 3, 1, 32, 32 }, s.ContentFrames.shape);

        // Animate is Sample's second half: the same content frames and noise give the same z and videos
        manual_seed(0);
        var one = CmdSampler.Sample(ae, content, motion, [1, 2, 3], contentSteps: 2, motionSteps: 2, batchSize: 3);
        manual_seed(0);
        using var y = tensor(new long[] { 1, 2, 3 });
        using var frames = CmdSampler.SampleContent(content, y, 2);
        var a = CmdSampler.Animate(ae, motion, frames, [1, 2, 3], motionSteps: 2, batchSize: 3);
        Assert.True(a.Videos.allclose(one.Videos, rtol: 0, atol: 0), "Animate drew other videos than Sample from the frames");
        Assert.True(a.Z.allclose(one.Z, rtol: 0, atol: 0));
        using var wrong = zeros(3, 1, 16, 16);
        var e = Assert.Throws<ArgumentException>(() => CmdSampler.Animate(ae, motion, wrong, [1, 2, 3], 2));
        Assert.Contains("the content frames are [1, 16, 16] frames but autoencoder", e.Message);
        Assert.Throws<ArgumentException>(() => CmdSampler.Animate(ae, motion, frames, [1, 2], 2));
    }

    [Fact]
    public void AContentModelOfAnotherFrameSizeIsRefusedBeforeSampling()
    {
        using var ae = new CmdAutoencoder(RunPresets.Tiny.Autoencoder);
        using var content = new DiT(RunPresets.Tiny.ContentDiT with { InputSize = 16 });
        var motion = new LoadedDiffusionModel<MotionDiT>(new MotionDiT(RunPresets.Tiny.Motion),
            new Dictionary<string, string>(), "motion");
        using var _ = motion.Model;
        var e = Assert.Throws<ArgumentException>(() => CmdSampler.Sample(ae, content, motion, [1], 2, 2));
        Assert.Contains("draws [1, 16, 16] frames but autoencoder", e.Message);
        Assert.Contains("decodes [1, 32, 32]", e.Message);
    }

    [Fact]
    public void DdpmMotionSamplingIsAncestralNotDdim()
    {
        using var model = new MotionDiT(RunPresets.Tiny.Motion);
        model.eval();
        var c = model.Config;
        using var content = randn(2, c.ContentChannels, c.ContentHeight, c.ContentWidth);
        using var y = tensor(new long[] { 1, 2 });
        Tensor Draw(DiffusionSampler s) { manual_seed(3); return CmdSampler.SampleMotion(model, content, y, 1f, 4, sampler: s); }
        using var ddim = Draw(DiffusionSampler.Ddim);
        using var ddimAgain = Draw(DiffusionSampler.Ddim);
        using var ddpm = Draw(DiffusionSampler.Ddpm);
        Assert.Equal(new long[] { 2, c.LatentChannels, c.Frames, c.GridHeight + c.GridWidth }, ddpm.shape);
        Assert.True(ddim.allclose(ddimAgain, rtol: 0, atol: 0), "ddim drew different z from the same noise");
        Assert.True(ddpm.isfinite().all().item<bool>());
        Assert.True((ddpm - ddim).abs().max().item<float>() > 1e-3f, "ddpm drew the same z as ddim: the switch was ignored");
    }

    [Fact]
    public void AHighNoiseExpertDenoisesOnlyTheStepsAboveItsT()
    {
        using var model = new MotionDiT(RunPresets.Tiny.Motion);
        using var other = new MotionDiT(RunPresets.Tiny.Motion);
        manual_seed(1);
        using (no_grad())                                  // adaLN-Zero's zero output would make the two agree
            foreach (var p in model.parameters().Concat(other.parameters())) p.add_(randn_like(p) * 0.05);
        model.eval(); other.eval();
        var c = model.Config;
        using var content = randn(2, c.ContentChannels, c.ContentHeight, c.ContentWidth);
        using var y = tensor(new long[] { 1, 2 });
        Tensor Draw(MotionDiT m, NoiseExpert? expert)
        {
            manual_seed(3);
            return CmdSampler.SampleMotion(m, content, y, 1f, 4, expert: expert);   // 4 steps: t = 0, 333, 666, 999
        }
        using var alone = Draw(model, null);
        using var otherAlone = Draw(other, null);
        using var never = Draw(model, new NoiseExpert(other, 999));
        using var always = Draw(model, new NoiseExpert(other, 0));
        using var some = Draw(model, new NoiseExpert(other, 500));
        Assert.True(never.allclose(alone, rtol: 0, atol: 0), "the expert denoised a step at t <= 999");
        Assert.False(always.allclose(alone, rtol: 0, atol: 1e-3), "the expert denoised no step above t = 0");
        float Off(Tensor a, Tensor b) => (a - b).abs().max().item<float>();
        Assert.True(Off(always, otherAlone) < 0.1f * Off(alone, otherAlone), "above t = 0 is all but the last step");
        Assert.True(Off(some, alone) > 1e-3f && Off(some, otherAlone) > 1e-3f);

        var loaded = new LoadedDiffusionModel<MotionDiT>(model, new Dictionary<string, string>(), "late");
        var wider = new LoadedDiffusionModel<MotionDiT>(new MotionDiT(c with { HiddenSize = 2 * c.HiddenSize }),
            new Dictionary<string, string>(), "wide");
        using var _ = wider.Model;
        Assert.Contains("not built as the motion DiT late", Assert.Throws<ArgumentException>(() =>
            NoiseExpert.For(loaded, wider, 500)).Message);
        var scaled = new LoadedDiffusionModel<MotionDiT>(other, new Dictionary<string, string>
            { [ModelMetadata.ZScaleKey] = "0.5" }, "scaled");
        Assert.Contains("not one z to share", Assert.Throws<ArgumentException>(() =>
            NoiseExpert.For(loaded, scaled, 500)).Message);
        Assert.Contains("--above-t must be 0-999", Assert.Throws<ArgumentException>(() =>
            NoiseExpert.For(loaded, loaded, 1000)).Message);
        var given = new LoadedDiffusionModel<MotionDiT>(other, new Dictionary<string, string>
            { [ModelMetadata.GivenPlacesKey] = "2" }, "given");
        Assert.Contains("one sampler cannot feed both", Assert.Throws<ArgumentException>(() =>
            NoiseExpert.For(loaded, given, 500)).Message);
        using var held = PipelineFixtures.TinyPairs(2);                     // SDEdit and bare PredictMotion: refused
        Assert.Contains("for a motion DiT that draws them", Assert.Throws<ArgumentException>(() =>
            CmdSampler.DenoiseMotionFrom(given, held, 300)).Message);
        Assert.Contains("give it x̄'s places", Assert.Throws<ArgumentException>(() =>
            CmdSampler.PredictMotion(given, held)).Message);
    }

    [Fact]
    public void ContentGuidanceActsOnlyInsideItsInterval()
    {
        using var model = new DiT(RunPresets.Tiny.ContentDiT);
        model.eval();
        manual_seed(1);
        using (no_grad())
            foreach (var p in model.parameters()) p.add_(randn_like(p) * 0.05);
        using var y = tensor(new long[] { 1, 2 });
        Tensor Draw(double cfg, GuidanceInterval? interval)
        {
            manual_seed(3);
            return CmdSampler.SampleContent(model, y, 4, cfg, interval: interval);
        }
        using var unguided = Draw(1.0, null);
        using var guided = Draw(4.0, null);
        using var everyStep = Draw(4.0, new GuidanceInterval(-1, 999));
        using var noStep = Draw(4.0, new GuidanceInterval(990, 998));     // 4 steps: t = 0, 333, 666, 999
        using var some = Draw(4.0, new GuidanceInterval(300, 700));
        Assert.True(everyStep.allclose(guided, rtol: 0, atol: 0));
        Assert.True(noStep.allclose(unguided, rtol: 0, atol: 1e-3), "guided outside the interval");   // guided: 2 off
        Assert.True((some - guided).abs().max().item<float>() > 1e-3f && (some - unguided).abs().max().item<float>() > 1e-3f);
        Assert.Contains("-1 <= low < high <= 999", Assert.Throws<ArgumentException>(() => Draw(4.0, new(500, 400))).Message);
    }

    [Fact]
    public void DdpmContentSamplingIsAncestralNotDdim()
    {
        using var model = new DiT(RunPresets.Tiny.ContentDiT);
        model.eval();
        manual_seed(1);
        using (no_grad())                                  // adaLN-Zero's zero output would make both samplers agree
            foreach (var p in model.parameters()) p.add_(randn_like(p) * 0.05);
        using var y = tensor(new long[] { 1, 2 });
        Tensor Draw(DiffusionSampler s) { manual_seed(3); return CmdSampler.SampleContent(model, y, 4, sampler: s); }
        using var ddim = Draw(DiffusionSampler.Ddim);
        using var ddpm = Draw(DiffusionSampler.Ddpm);
        using var ddpmAgain = Draw(DiffusionSampler.Ddpm);
        Assert.Equal(ddim.shape, ddpm.shape);
        Assert.True(ddpm.allclose(ddpmAgain, rtol: 0, atol: 0), "the same seed drew different frames");
        Assert.True(ddpm.abs().max().item<float>() <= 1f);                                 // clamped as DDIM's are
        Assert.True((ddpm - ddim).abs().max().item<float>() > 1e-3f, "ddpm drew the same frames as ddim: switch ignored");
    }
}
