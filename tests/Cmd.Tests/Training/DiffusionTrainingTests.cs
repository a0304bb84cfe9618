using Cmd.Diffusion;
using Cmd.Evaluation;
using Cmd.IO;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Tests.Pipeline;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Training;

/// <summary>Content/motion training through the shared Trainer (EMA, checkpoints, resume).</summary>
public class DiffusionTrainingTests
{
    [Fact]
    public void PaperOptimizerSettings()
    {
        var o = DiffusionTraining.PaperOptions;
        Assert.Equal((1e-4, 0.9, 0.999, 0.0), (o.LearningRate, o.Beta1, o.Beta2, o.WeightDecay));
    }

    [Fact]
    public void ContentTrainingLowersTheLossAndWritesEmaAndCheckpoint()
    {
        var dir = Fixtures.TempDir("content");
        using var pairs = PipelineFixtures.TinyPairs();
        using var model = new DiT(RunPresets.Tiny.ContentDiT with { NumClasses = 4 });
        var res = DiffusionTraining.TrainContent(model, pairs, PipelineFixtures.Options(dir, 20) with { LearningRate = 2e-3 }, batchSize: 8);
        Assert.True(res.MeanLossLast10Percent < res.FirstLoss, $"loss {res.FirstLoss} -> {res.MeanLossLast10Percent}");
        Assert.True(File.Exists(Path.Combine(dir, "checkpoint.safetensors")));
        var loaded = ModelStore.LoadContent(dir, preferEma: true);
        Assert.Equal(4, loaded.Model.Config.NumClasses);
        // the EMA (decay 0.999, 20 steps) has moved, but much less than the weights
        var w = model.state_dict()["final_layer.linear.weight"];
        var e = loaded.Model.state_dict()["final_layer.linear.weight"];
        Assert.True(e.abs().sum().item<float>() > 0 && e.abs().sum().item<float>() < w.abs().sum().item<float>());
    }

    [Fact]
    public void A_content_DiT_set_to_predict_x0_or_v_trains_on_that_target_and_keeps_the_switch_in_its_weights()
    {
        var eps = RunPresets.Tiny.ContentDiT with { NumClasses = 4 };
        Assert.Equal(ModelMeanType.Epsilon, DiffusionTraining.ContentDiffusion(eps).MeanType);
        Assert.Equal(ModelMeanType.StartX, DiffusionTraining.ContentDiffusion(eps with { Prediction = "x0" }, "10").MeanType);
        Assert.Equal(ModelMeanType.Velocity, DiffusionTraining.ContentDiffusion(eps with { Prediction = "v" }).MeanType);
        Assert.Contains("'u' is not one of eps, x0, v", Assert.Throws<ArgumentException>(
            () => DiffusionTraining.ContentDiffusion(eps with { Prediction = "u" })).Message);
        manual_seed(0);
        using var x0 = rand(3, eps.InChannels, eps.InputSize, eps.InputSize) * 2 - 1;
        using var noise = randn_like(x0);
        using var t = tensor(new long[] { 5, 400, 999 });
        foreach (var (prediction, target) in new (string, Func<GaussianDiffusion, Tensor>)[]
                 { ("eps", _ => noise), ("x0", _ => x0), ("v", d => d.Velocity(x0, t, noise)) })
        {
            var d = DiffusionTraining.ContentDiffusion(eps with { Prediction = prediction });
            // the simple loss term is zero for an oracle of the target, and x_0 comes back from it exactly
            DenoiseFn oracle = (x, _) => cat([target(d), zeros_like(x0)], 1);
            Assert.True(d.TrainingLosses(oracle, x0, t, noise).Mse.max().item<float>() < 1e-10f, prediction);
            var xT = d.QSample(x0, t, noise);
            Assert.True(d.PredXStartFromOutput(xT, t, target(d)).allclose(x0, 1e-4, 1e-4), prediction);
            DenoiseFn wrong = (x, _) => cat([x0 * 0.5 + noise * 0.5, zeros_like(x0)], 1);
            Assert.True(d.TrainingLosses(wrong, x0, t, noise).Mse.min().item<float>() > 0.05f, prediction);
        }
        // v at the two ends: eps where there is no noise, -x_0 where there is only noise
        var dv = DiffusionTraining.ContentDiffusion(eps with { Prediction = "v" });
        using var v = dv.Velocity(x0, t, noise);
        Assert.True(v[0].allclose(noise[0], 0.05, 0.05) && v[2].allclose(-x0[2], 0.05, 0.05));
        // the switch travels with the weights; weights saved before it existed load as eps models
        var dir = Fixtures.TempDir("content-v");
        using var pairs = PipelineFixtures.TinyPairs();
        using (var model = new DiT(eps with { Prediction = "v" }))
            DiffusionTraining.TrainContent(model, pairs, PipelineFixtures.Options(dir, 2), batchSize: 4);
        Assert.Equal("v", ModelStore.LoadContent(dir, preferEma: true).Model.Config.Prediction);
        var old = System.Text.Json.JsonSerializer.Serialize(eps).Replace(",\"Prediction\":\"eps\"", "");
        Assert.DoesNotContain("Prediction", old);
        Assert.Equal("eps", System.Text.Json.JsonSerializer.Deserialize<DiTConfig>(old)!.Prediction);
    }

    static MotionDiT Seeded(MotionDiTConfig cfg) { manual_seed(0); return new MotionDiT(cfg); }

    [Fact]
    public void MotionTrainingResumesExactly()
    {
        using var pairs = PipelineFixtures.TinyPairs();
        var cfg = RunPresets.Tiny.Motion with { NumClasses = 4 };
        var a = Fixtures.TempDir("motion-a");
        using (var m = Seeded(cfg)) DiffusionTraining.TrainMotion(m, pairs, PipelineFixtures.Options(a, 10), batchSize: 4);
        var b = Fixtures.TempDir("motion-b");
        using (var m = Seeded(cfg)) DiffusionTraining.TrainMotion(m, pairs, PipelineFixtures.Options(b, 5), batchSize: 4);
        using (var m = Seeded(cfg)) DiffusionTraining.TrainMotion(m, pairs, PipelineFixtures.Options(b, 10) with { Resume = true }, batchSize: 4);
        var wa = ModelStore.LoadMotion(a, preferEma: false).Model.state_dict();
        var wb = ModelStore.LoadMotion(b, preferEma: false).Model.state_dict();
        foreach (var (k, v) in wa) Assert.True(v.equal(wb[k]).all().item<bool>(), $"{k} differs after resume");
        var ea = ModelStore.LoadMotion(a).Model.state_dict();
        var eb = ModelStore.LoadMotion(b).Model.state_dict();
        foreach (var (k, v) in ea) Assert.True(v.allclose(eb[k], 1e-6, 1e-7), $"EMA {k} differs after resume");
        Assert.True(ModelStore.LoadMotion(a).ZScale > 1.5f);
    }

    [Fact]
    public void A_run_stopped_between_checkpoints_writes_its_EMA_of_that_step_and_resumes_it_exactly()
    {
        using var pairs = PipelineFixtures.TinyPairs();
        var cfg = RunPresets.Tiny.Motion with { NumClasses = 4 };
        var a = Fixtures.TempDir("motion-ema-a");
        using (var m = Seeded(cfg))
            DiffusionTraining.TrainMotion(m, pairs, PipelineFixtures.Options(a, 6), batchSize: 4);
        var b = Fixtures.TempDir("motion-ema-b");
        var stopped = PipelineFixtures.Options(b, 6) with { CheckpointEvery = 100, MaxMinutes = 1e-9 };  // after step 1
        using (var m = Seeded(cfg))
            Assert.Equal(1, DiffusionTraining.TrainMotion(m, pairs, stopped, batchSize: 4).EndStep);
        var meta = SafeTensorsFile.Open(Path.Combine(b, ModelMetadata.EmaFileName)).Metadata;
        Assert.Equal("1", meta[ModelMetadata.StepKey]);
        Assert.Equal(stopped.ToJson(), meta["training"]);
        var resumed = stopped with { MaxMinutes = 0, Resume = true };
        using (var m = Seeded(cfg)) DiffusionTraining.TrainMotion(m, pairs, resumed, batchSize: 4);
        var after = SafeTensorsFile.Open(Path.Combine(b, ModelMetadata.EmaFileName)).Metadata;
        Assert.Equal("6", after[ModelMetadata.StepKey]);
        var ea = ModelStore.LoadMotion(a, preferEma: true).Model.state_dict();
        var eb = ModelStore.LoadMotion(b, preferEma: true).Model.state_dict();
        foreach (var (k, v) in ea) Assert.True(v.allclose(eb[k], 1e-6, 1e-7), $"EMA {k} differs after resume");

        // an EMA file of another step is named on resume; a missing one restarts from the checkpoint's weights
        var checkpoint = Path.Combine(b, "checkpoint.safetensors");
        var emaPath = Path.Combine(b, ModelMetadata.EmaFileName);
        using var twin = Seeded(cfg);
        Assert.Null(DiffusionTraining.ResumeEma(twin, emaPath, checkpoint));
        var older = new Dictionary<string, string>(meta) { [ModelMetadata.StepKey] = "1" };
        ModuleState.Save(twin, emaPath, older);
        Assert.Contains("is of step 1 and", DiffusionTraining.ResumeEma(twin, emaPath, checkpoint));
        File.Delete(emaPath);
        Assert.Contains("the EMA restarts from the weights of step 6",
            DiffusionTraining.ResumeEma(twin, emaPath, checkpoint));
        var trained = ModelStore.LoadMotion(b, preferEma: false).Model.state_dict();
        foreach (var (k, v) in twin.state_dict())
            Assert.True(v.equal(trained[k]).all().item<bool>(), $"{k} is not the checkpoint's");
    }

    [Fact]
    public void AnInputScaleShrinksZForTheModelIsKeptInItsWeightsAndCannotChangeOnResume()
    {
        using var pairs = PipelineFixtures.TinyPairs();
        var cfg = RunPresets.Tiny.Motion with { NumClasses = 4 };
        var dir = Fixtures.TempDir("motion-scaled");
        using (var m = Seeded(cfg))
        {
            var options = PipelineFixtures.Options(dir, 2) with { InputScale = 0.25 };
            DiffusionTraining.TrainMotion(m, pairs, options, batchSize: 4);
        }
        var loaded = ModelStore.LoadMotion(dir);
        using var _ = loaded.Model;
        float std = pairs.Z.std().item<float>();
        Assert.Equal(std / 0.25, loaded.ZScale, 4);                          // z / z_scale has std 0.25
        var meta = Cmd.IO.SafeTensorsFile.Open(Path.Combine(dir, ModelMetadata.EmaFileName)).Metadata;
        Assert.Equal("0.25", meta[ModelMetadata.InputScaleKey]);
        using var again = Seeded(cfg);
        var e = Assert.Throws<ArgumentException>(() => DiffusionTraining.TrainMotion(again, pairs,
            PipelineFixtures.Options(dir, 4) with { Resume = true }, batchSize: 4));
        Assert.Contains("--input-scale 0.25", e.Message);
        Assert.Contains("--input-scale must be > 0", Assert.Throws<ArgumentException>(() =>
            (PipelineFixtures.Options(dir, 4) with { InputScale = 0 }).Validate()).Message);
    }

    [Fact]
    public void A_motion_DiT_on_z_velocity_keeps_the_form_samples_z_back_in_z_form_and_resume_cannot_change_it()
    {
        using var still = PipelineFixtures.TinyPairs();                     // z constant in time: moved by a ramp
        using var pairs = new LatentPairs(still.Content.clone(), still.Z + 0.3 * arange(8).view(1, 1, 8, 1),
            still.Labels.clone(), 4, 4);
        var cfg = RunPresets.Tiny.Motion with { NumClasses = 4 };
        var dir = Fixtures.TempDir("motion-velocity");
        using (var m = Seeded(cfg))
            DiffusionTraining.TrainMotion(m, pairs, PipelineFixtures.Options(dir, 2) with { VelocityChannels = 1 }, 4);
        var loaded = ModelStore.LoadMotion(dir);
        using var _ = loaded.Model;
        var expected = MotionVelocity.For(pairs.Z, 1);
        Assert.Equal(expected, loaded.Velocity);
        using (var learned = expected.Encode(pairs.Z))
            Assert.Equal(learned.std().item<float>(), loaded.ZScale, 4);   // z_scale of the learned form
        // sampling decodes, and x_0 maps act on z: every x_0 set to the first pair's z gives that pair's z back
        using var content = pairs.Content.narrow(0, 0, 1);
        using var label = pairs.Labels.narrow(0, 0, 1);
        using var z = CmdSampler.SampleMotion(loaded.Model, content, label, loaded.ZScale, steps: 2,
            denoisedFn: _ => pairs.Z.narrow(0, 0, 1) / loaded.ZScale, velocity: loaded.Velocity);
        Assert.True(z.allclose(pairs.Z.narrow(0, 0, 1), 1e-4, 1e-5), "sampled z not decoded back to z form");
        using var again = Seeded(cfg);
        var e = Assert.Throws<ArgumentException>(() => DiffusionTraining.TrainMotion(again, pairs,
            PipelineFixtures.Options(dir, 4) with { Resume = true }, batchSize: 4));
        Assert.Contains("--z-velocity 1", e.Message);
    }

    [Fact]
    public void A_motion_DiT_with_given_places_records_its_K_and_needs_keypoint_pairs_and_resume_cannot_change_it()
    {
        using var tiny = PipelineFixtures.TinyPairs();
        var keypoints = RunPresets.Tiny.Autoencoder with
            { WarpComponents = 2, WarpSprites = true, WarpKeypoints = true };
        LatentPairs With(Cmd.Models.Autoencoder.AutoencoderConfig? ae) =>
            new(tiny.Content.clone(), tiny.Z.clone(), tiny.Labels.clone(), 4, 4, autoencoder: ae, source: "pairs.st");
        var cfg = RunPresets.Tiny.Motion with { NumClasses = 4 };
        var dir = Fixtures.TempDir("motion-given-places");
        using (var pairs = With(keypoints))
        using (var m = Seeded(cfg))
            DiffusionTraining.TrainMotion(m, pairs, PipelineFixtures.Options(dir, 2) with { GivenPlaces = true }, 4);
        var loaded = ModelStore.LoadMotion(dir);
        using (loaded.Model) Assert.Equal(new GivenPlaces(2), loaded.GivenPlaces);
        using (var pairs = With(keypoints))
        using (var again = Seeded(cfg))
            Assert.Contains("with --given-places", Assert.Throws<ArgumentException>(() => DiffusionTraining.TrainMotion(
                again, pairs, PipelineFixtures.Options(dir, 4) with { Resume = true }, batchSize: 4)).Message);
        (Cmd.Models.Autoencoder.AutoencoderConfig?, string)[] bad =
            [(null, "name no autoencoder"), (RunPresets.Tiny.Autoencoder, "no places to give")];
        foreach (var (ae, error) in bad)
        {
            using var pairs = With(ae);
            using var m = Seeded(cfg);
            var options = PipelineFixtures.Options(Fixtures.TempDir("motion-given-bad"), 2) with { GivenPlaces = true };
            Assert.Contains(error, Assert.Throws<ArgumentException>(() =>
                DiffusionTraining.TrainMotion(m, pairs, options, 4)).Message);
        }
        Assert.Contains("--given-places and --z-velocity", Assert.Throws<ArgumentException>(() =>
            (PipelineFixtures.Options(dir, 2) with { GivenPlaces = true, VelocityChannels = 2 }).Validate()).Message);
    }

    [Fact]
    public void A_motion_DiT_with_a_magnitude_condition_keeps_its_scale_and_samples_with_other_clips_magnitudes()
    {
        var (pairs, cfg, dir, loaded) = MagnitudeRun("motion-magnitude");
        using var __ = pairs;
        using var _ = loaded.Model;
        Assert.Equal(MotionMagnitude.For(pairs.Z, 4, 4), loaded.Magnitude);
        // held-out sampling gives each clip the magnitudes of the clip before it, never its own
        manual_seed(3);
        using var predicted = CmdSampler.PredictMotion(loaded, pairs, steps: 2);
        using var rolled = pairs.Z.roll(1, 0);
        using var others = loaded.Magnitude!.Of(rolled, 4, 4);
        manual_seed(3);
        using var expected = CmdSampler.SampleMotion(loaded.Model, pairs.Content, pairs.Labels, loaded.ZScale, 2,
            magnitude: others);
        Assert.True(predicted.allclose(expected, 0, 0), "held-out z not drawn with the previous clip's magnitudes");
        using var own = loaded.Magnitude.Of(pairs.Z, 4, 4);
        manual_seed(3);
        using var withOwn = CmdSampler.SampleMotion(loaded.Model, pairs.Content, pairs.Labels, loaded.ZScale, 2,
            magnitude: own);
        Assert.False(predicted.allclose(withOwn, 0, 1e-4), "the clip's own magnitudes gave the same z");
        // eval motion's other sources: the clip's own (an oracle) and a gain on it; none for the paper's DiT
        using (var ownDrawn = new MagnitudeDraw(MagnitudeSource.Own, 2).For(loaded, pairs))
            Assert.True(ownDrawn!.allclose(loaded.Magnitude.Of(pairs.Z, 4, 4) * 2, 1e-6, 1e-7));
        using (var paper = new MotionDiT(cfg with { MagnitudeCondition = false }))
        {
            var plain = new LoadedDiffusionModel<MotionDiT>(paper, new Dictionary<string, string>(), "plain");
            Assert.Null(MagnitudeDraw.Default.For(plain, pairs));
            Assert.Contains("--magnitude (plain is not)", Assert.Throws<ArgumentException>(() =>
                new MagnitudeDraw(MagnitudeSource.Own).For(plain, pairs)).Message);
        }
        // without real z (from content frames): rows of the training clips' magnitudes the file keeps
        using var prior = MotionMagnitude.ParsePrior(loaded.Metadata[ModelMetadata.MagnitudePriorKey], 8);
        using var trained = loaded.Magnitude.Of(pairs.Z, 4, 4);
        Assert.True(prior.allclose(trained, 1e-5, 1e-6), "the prior is not the training clips' magnitudes");
        manual_seed(4);
        using var drawn = loaded.DrawMagnitudes(200, 8);
        Assert.All(Enumerable.Range(0, 8), i =>
            Assert.True(((drawn - trained[i]).abs().amax(1) < 1e-4).any().item<bool>(), $"clip {i}'s row never drawn"));
        using var ae = new Cmd.Models.Autoencoder.CmdAutoencoder(RunPresets.Tiny.Autoencoder);
        var animated = CmdSampler.Animate(ae, loaded, pairs.Content, [0, 1, 2, 3, 0, 1, 2, 3], 2);
        Assert.True(animated.Videos.isfinite().all().item<bool>());
        // a file with the switch but not its scale is refused by name, one without its prior when sampled
        var bare = Path.Combine(dir, "bare.safetensors");
        ModuleState.Save(loaded.Model, bare, ModelMetadata.For(ModelMetadata.Motion, cfg.ToJson()));
        Assert.Contains($"bare.safetensors: a motion DiT with a magnitude condition but no",
            Assert.Throws<InvalidDataException>(() => ModelStore.LoadMotion(bare)).Message);
        var noPrior = new LoadedDiffusionModel<MotionDiT>(loaded.Model, loaded.Metadata
            .Where(kv => kv.Key != ModelMetadata.MagnitudePriorKey).ToDictionary(), "no-prior");
        Assert.Contains(
            $"no-prior: a motion DiT with a magnitude condition but no \"{ModelMetadata.MagnitudePriorKey}\"",
            Assert.Throws<InvalidDataException>(() => CmdSampler.Animate(ae, noPrior, pairs.Content, [0, 1, 2, 3, 0, 1,
                2, 3], 2)).Message);
    }

    /// <summary>A tiny motion DiT trained 2 steps with the magnitude condition on 8 clips that move at 8 speeds, its
    /// weights then perturbed (adaLN-Zero would hide the condition) and written as the run's EMA weights.</summary>
    static (LatentPairs Pairs, MotionDiTConfig Cfg, string Dir, LoadedDiffusionModel<MotionDiT> Loaded) MagnitudeRun(
        string name)
    {
        using var still = PipelineFixtures.TinyPairs(8);
        var pairs = new LatentPairs(still.Content.clone(),
            still.Z + arange(8).view(8, 1, 1, 1) * 0.1 * arange(8).view(1, 1, 8, 1), still.Labels.clone(), 4, 4);
        var cfg = RunPresets.Tiny.Motion with { NumClasses = 4, MagnitudeCondition = true };
        var dir = Fixtures.TempDir(name);
        using (var m = Seeded(cfg))
            DiffusionTraining.TrainMotion(m, pairs, PipelineFixtures.Options(dir, 2), 4);
        var loaded = ModelStore.LoadMotion(dir);
        using (no_grad())
            foreach (var p in loaded.Model.parameters()) p.add_(randn_like(p) * 0.05);
        ModuleState.Save(loaded.Model, Path.Combine(dir, ModelMetadata.EmaFileName), loaded.Metadata);
        return (pairs, cfg, dir, loaded);
    }

    [Fact]
    public void SDEdit_and_the_denoising_error_give_a_magnitude_conditioned_motion_DiT_its_magnitudes()
    {
        var (pairs, _, dir, loaded) = MagnitudeRun("motion-magnitude-sdedit");
        using var __ = pairs;
        using var _ = loaded.Model;
        using var rolled = pairs.Z.roll(1, 0);
        using var others = loaded.Magnitude!.Of(rolled, 4, 4);
        using var own = loaded.Magnitude.Of(pairs.Z, 4, 4);
        Tensor Sdedit(Tensor m)
        {
            manual_seed(5);
            return CmdSampler.DenoiseMotionFrom(loaded.Model, pairs.Content, pairs.Labels, loaded.ZScale, pairs.Z, 600,
                4, magnitude: m);
        }
        // eval motion --from-t: the previous clip's magnitudes by default, the clip's own with --magnitudes own
        manual_seed(5);
        using (var held = CmdSampler.DenoiseMotionFrom(loaded, pairs, 600, steps: 4))
        using (var expected = Sdedit(others))
            Assert.True(held.allclose(expected, 0, 0), "SDEdit not denoised with the previous clip's magnitudes");
        manual_seed(5);
        using (var oracle = CmdSampler.DenoiseMotionFrom(loaded, pairs, 600, steps: 4,
                   magnitudeDraw: new MagnitudeDraw(MagnitudeSource.Own)))
        using (var expected = Sdedit(own))
        using (var withOthers = Sdedit(others))
        {
            Assert.True(oracle.allclose(expected, 0, 0), "SDEdit with --magnitudes own did not use the clip's own");
            Assert.False(oracle.allclose(withOthers, 0, 1e-4), "the magnitudes did not change SDEdit");
        }
        // train eval's denoising error: each latent's own magnitudes, as in training
        var errors = DenoisingError.ForRun(dir, pairs, 8, [10, 500]);
        var ema = errors.Columns.Single(c => c.Weights == "EMA").Errors;
        using (var emaModel = ModelStore.LoadMotion(dir, preferEma: true).Model)
        {
            var expected = DenoisingError.Motion(emaModel, pairs, loaded.ZScale, [10, 500], magnitude: loaded.Magnitude);
            Assert.Equal(expected.Eps, ema.Eps);
            var doubled = DenoisingError.Motion(emaModel, pairs, loaded.ZScale, [10, 500],
                magnitude: new MotionMagnitude(loaded.Magnitude.Scale / 2));
            Assert.NotEqual(doubled.Eps, ema.Eps);
        }
    }

    [Fact]
    public void A_motion_DiT_set_to_predict_v_trains_samples_and_keeps_the_switch_and_resume_cannot_change_it()
    {
        using var pairs = PipelineFixtures.TinyPairs();
        var cfg = RunPresets.Tiny.Motion with { NumClasses = 4, Prediction = "v" };
        var dir = Fixtures.TempDir("motion-v");
        using (var m = Seeded(cfg))
            DiffusionTraining.TrainMotion(m, pairs, PipelineFixtures.Options(dir, 2), batchSize: 4);
        var loaded = ModelStore.LoadMotion(dir);
        using var _ = loaded.Model;
        Assert.Equal("v", loaded.Model.Config.Prediction);
        Assert.Equal(ModelMeanType.Velocity, DiffusionTraining.MotionDiffusion(loaded.Model.Config).MeanType);
        var paper = cfg with { Prediction = "eps" };
        Assert.Equal(ModelMeanType.Epsilon, DiffusionTraining.MotionDiffusion(paper).MeanType);
        var content = pairs.Content[..2];
        var z = CmdSampler.SampleMotion(loaded.Model, content, pairs.Labels[..2], loaded.ZScale, steps: 2);
        Assert.Equal(pairs.Z[..2].shape, z.shape);
        Assert.True(z.isfinite().all().item<bool>());
        using var eps = Seeded(paper);
        var e = Assert.Throws<ArgumentException>(() => DiffusionTraining.TrainMotion(eps, pairs,
            PipelineFixtures.Options(dir, 4) with { Resume = true }, batchSize: 4));
        Assert.Contains("--resume continues it", e.Message);
        Assert.Contains("prediction 'u' is not one of", Assert.Throws<ArgumentException>(() =>
            (cfg with { Prediction = "u" }).Validate()).Message);
    }

    /// <summary>--frame-diff-loss reaches the motion DiT's loss (the same seeded first step costs more with it) and is
    /// refused for the content DiT, whose frames have no time axis, before anything is written.</summary>
    [Fact]
    public void The_frame_difference_loss_reaches_motion_training_and_is_refused_for_content()
    {
        using var pairs = PipelineFixtures.TinyPairs();
        var cfg = RunPresets.Tiny.Motion with { NumClasses = 4 };
        double FirstLoss(double lambda)
        {
            using var m = Seeded(cfg);
            var options = PipelineFixtures.Options(Fixtures.TempDir("motion-fd"), 1)
                with { FrameDifferenceLoss = lambda };
            return DiffusionTraining.TrainMotion(m, pairs, options, batchSize: 4).FirstLoss;
        }
        double plain = FirstLoss(0), weighted = FirstLoss(1);
        Assert.True(weighted > plain * 1.2, $"first loss with the frame-difference loss {weighted}, without {plain}");
        using var content = new DiT(RunPresets.Tiny.ContentDiT with { NumClasses = 4 });
        var dir = Fixtures.TempDir("content-fd");
        var e = Assert.Throws<ArgumentException>(() => DiffusionTraining.TrainContent(content, pairs,
            PipelineFixtures.Options(dir, 1) with { FrameDifferenceLoss = 1 }, 2));
        Assert.Contains("--frame-diff-loss", e.Message);
        Assert.Empty(Directory.GetFiles(dir));
        Assert.Contains("--frame-diff-loss", Assert.Throws<ArgumentException>(() =>
            (PipelineFixtures.Options(dir, 1) with { FrameDifferenceLoss = -1 }).Validate()).Message);
    }

    [Fact]
    public void MismatchedPairsAreClearErrors()
    {
        using var pairs = PipelineFixtures.TinyPairs();
        using var content = new DiT(RunPresets.Small.ContentDiT);
        Assert.Contains("do not fit", Assert.Throws<ArgumentException>(() => DiffusionTraining.TrainContent(content, pairs, PipelineFixtures.Options(Fixtures.TempDir(), 1), 2)).Message);
        using var motion = new MotionDiT(RunPresets.Small.Motion);
        Assert.Contains("do not fit", Assert.Throws<ArgumentException>(() => DiffusionTraining.TrainMotion(motion, pairs, PipelineFixtures.Options(Fixtures.TempDir(), 1), 2)).Message);
        Assert.Throws<FileNotFoundException>(() => LatentPairs.Load("/nonexistent/pairs.safetensors"));
    }

    /// <summary>The cubic baseline trains through the same diffusion code (seeded: the run is the same every time), its
    /// checkpoint loads back to the trained weights, and it samples with guidance.</summary>
    [Fact]
    public void DiffusionTrainsTheCubicBaselineToo()
    {
        manual_seed(2);
        using var model = new CubicVideoDiT(RunPresets.Tiny.CubicDiT);
        var videos = randn([2, 8, 1, 32, 32]);
        var dir = Fixtures.TempDir("cubic");
        var res = DiffusionTraining.TrainCubic(model, _ => (videos, tensor(new long[] { 0, 1 })),
            PipelineFixtures.Options(dir, 20) with { LearningRate = 2e-3 });
        Assert.True(res.MeanLossLast10Percent < res.FirstLoss, $"loss {res.FirstLoss} -> {res.MeanLossLast10Percent}");
        var loaded = ModelStore.LoadCubic(dir, preferEma: false).Model.state_dict();
        foreach (var (k, v) in model.state_dict()) Assert.True(v.equal(loaded[k]).all().item<bool>(), $"{k} differs in the checkpoint");
        var d = GaussianDiffusion.Create("2");
        using var _ = no_grad();
        var s = d.DdimSampleLoop((x, t) => model.ForwardWithCfg(x, t, tensor(new long[] { 1, 10 }), 4.0), randn([2, 1, 8, 32, 32]));
        Assert.Equal(new long[] { 2, 1, 8, 32, 32 }, s.shape);
    }
}
