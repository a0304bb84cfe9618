using System.Globalization;
using Cmd.Diffusion;
using Cmd.IO;
using Cmd.Models.Denoisers;
using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>
/// Trains the content-frame model (Eq. 7) and the motion model (Eq. 8) with the shared Trainer: hybrid loss of
/// GaussianDiffusion (1000 linear steps, uniform t), Adam lr 1e-4, betas (0.9, 0.999), no weight decay, EMA 0.999
/// (appendix B.3) saved beside the checkpoint as ema.safetensors.
/// </summary>
public static class DiffusionTraining
{
    /// <summary>Appendix B.3 optimizer settings for both diffusion models.</summary>
    public static TrainingOptions PaperOptions => new() { LearningRate = 1e-4, Beta1 = 0.9, Beta2 = 0.999, WeightDecay = 0 };

    public static TrainingResult TrainContent(DiT model, LatentPairs pairs, TrainingOptions options, int batchSize, double emaDecay = Ema.PaperDecay, Action<long, double>? onStep = null)
    {
        var cfg = model.Config;
        if (pairs.Content.shape[1] != cfg.InChannels || pairs.Content.shape[2] != cfg.InputSize || pairs.Content.shape[3] != cfg.InputSize)
            throw new ArgumentException($"content frames [{string.Join(", ", pairs.Content.shape.Skip(1))}] do not fit the content DiT input [{cfg.InChannels}, {cfg.InputSize}, {cfg.InputSize}]");
        CheckLabels(pairs.Labels, cfg.NumClasses);
        if (options.Resume && File.Exists(options.CheckpointPath)) CheckResumedContent(options.CheckpointPath, cfg);
        var meta = ModelMetadata.For(ModelMetadata.Content, System.Text.Json.JsonSerializer.Serialize(cfg));
        options.Validate();                                              // name the option, not the diffusion's parameter
        if (options.FrameDifferenceLoss > 0)
            throw new ArgumentException("training options: --frame-diff-loss needs frames; content frames have none " +
                "(it is for the motion and cubic DiTs)");
        if (options.ContentNoise > 0)
            throw new ArgumentException("training options: --content-noise noises the motion DiT's content-frame " +
                "condition; the content DiT has none");
        var diffusion = ContentDiffusion(cfg, minSnrGamma: options.MinSnrGamma,
            inputPerturbation: options.InputPerturbation);
        return Run(model, () => new DiT(cfg), options, meta, emaDecay, onStep, "content", step =>
        {
            var device = model.parameters().First().device;
            var idx = randint(0, pairs.Count, [batchSize], dtype: int64);
            var x0 = pairs.Content.index_select(0, idx).to(device);
            var y = pairs.Labels.index_select(0, idx).to(device);
            var t = diffusion.SampleTimesteps(batchSize, device);
            return diffusion.TrainingLosses((x, tt) => model.call(x, tt, y), x0, t).Loss.mean();
        });
    }

    /// <summary>The content model's diffusion: DiT's create_diffusion(respacing), predicting what the config says.</summary>
    public static GaussianDiffusion ContentDiffusion(DiTConfig cfg, string timestepRespacing = "", double minSnrGamma = 0,
        double inputPerturbation = 0) =>
        GaussianDiffusion.Create(timestepRespacing, predictXStart: cfg.Validate().Prediction == "x0", learnSigma: cfg.LearnSigma,
            predictV: cfg.Prediction == "v", minSnrGamma: minSnrGamma, inputPerturbation: inputPerturbation);

    public static TrainingResult TrainMotion(MotionDiT model, LatentPairs pairs, TrainingOptions options, int batchSize, double emaDecay = Ema.PaperDecay, Action<long, double>? onStep = null)
    {
        var cfg = model.Config;
        if (pairs.Z.shape[1] != cfg.LatentChannels || pairs.Z.shape[2] != cfg.Frames || pairs.GridH != cfg.GridHeight || pairs.GridW != cfg.GridWidth)
            throw new ArgumentException($"motion latents [{string.Join(", ", pairs.Z.shape.Skip(1))}] (H'={pairs.GridH}, W'={pairs.GridW}) do not fit motion DiT '{cfg.Name}' [{cfg.LatentChannels}, {cfg.Frames}, {cfg.GridHeight}+{cfg.GridWidth}]");
        if (cfg.Condition == MotionCondition.Class) CheckLabels(pairs.Labels, cfg.NumClasses);
        if (cfg.Condition == MotionCondition.Text) throw new NotSupportedException("text-conditional motion training needs caption embeddings (a text encoder), which this workbench does not ship yet; use --condition class or none");
        if (options.Resume && File.Exists(options.CheckpointPath))
        {
            CheckResumedMotion(options.CheckpointPath, cfg);
            CheckResumedInputScale(options.CheckpointPath, options.InputScale);
            CheckResumedVelocity(options.CheckpointPath, options.VelocityChannels);
            CheckResumedGivenPlaces(options.CheckpointPath, options.GivenPlaces);
        }
        var velocity = options.VelocityChannels > 0 ? MotionVelocity.For(pairs.Z, options.VelocityChannels) : null;
        using var learned = velocity?.Encode(pairs.Z);                               // workbench switch: steps
        var z = learned ?? pairs.Z;
        var zScale = (float)(z.std().item<float>() / options.InputScale);   // z / zScale: unit std, times b
        var meta = ModelMetadata.For(ModelMetadata.Motion, cfg.ToJson());
        meta[ModelMetadata.ZScaleKey] = ModelMetadata.Format(zScale);
        if (velocity is not null) meta[ModelMetadata.ZVelocityKey] = velocity.Format();
        var given = options.GivenPlaces ? GivenPlaces.For(pairs) : null;               // workbench switch: places
        if (given is not null) meta[ModelMetadata.GivenPlacesKey] = given.Format();
        var magnitude = cfg.MagnitudeCondition ? MotionMagnitude.For(pairs.Z, cfg.GridHeight, cfg.GridWidth) : null;
        using var m = magnitude?.Of(pairs.Z, cfg.GridHeight, cfg.GridWidth);      // workbench switch: how far z moves
        if (magnitude is not null)
        {
            meta[ModelMetadata.MagnitudeKey] = magnitude.Format();
            meta[ModelMetadata.MagnitudePriorKey] =
                MotionMagnitude.FormatPrior(m!.narrow(0, 0, Math.Min(MotionMagnitude.PriorRows, pairs.Count)));
        }
        meta[ModelMetadata.InputScaleKey] = ModelMetadata.Format(options.InputScale);
        options.Validate();
        var diffusion = MotionDiffusion(cfg, minSnrGamma: options.MinSnrGamma,
            inputPerturbation: options.InputPerturbation, frameDifferenceLoss: options.FrameDifferenceLoss);
        using var known = given?.Known(cfg.LatentChannels, model.parameters().First().device);
        return Run(model, () => new MotionDiT(cfg), options, meta, emaDecay, onStep, "motion", step =>
        {
            var device = model.parameters().First().device;
            var idx = randint(0, pairs.Count, [batchSize], dtype: int64);
            var z0 = (z.index_select(0, idx) / zScale).to(device);
            var content = ConditionAugmentation.Noised(pairs.Content.index_select(0, idx).to(device),
                options.ContentNoise);                                       // workbench switch: x̄ noised
            var y = cfg.Condition == MotionCondition.Class ? pairs.Labels.index_select(0, idx).to(device) : null;
            var mm = m?.index_select(0, idx).to(device);
            var t = diffusion.SampleTimesteps(batchSize, device);
            return diffusion.TrainingLosses((x, tt) => model.Forward(x, tt, content, y, mm), z0, t, known: known)
                .Loss.mean();
        });
    }

    /// <summary>The motion model's diffusion: 1000 linear steps (respaced), predicting what the config says.</summary>
    public static GaussianDiffusion MotionDiffusion(MotionDiTConfig cfg, string timestepRespacing = "",
        double minSnrGamma = 0, double inputPerturbation = 0, double frameDifferenceLoss = 0) =>
        GaussianDiffusion.Create(timestepRespacing, predictXStart: cfg.Validate().Prediction == "x0",
            learnSigma: cfg.LearnSigma, predictV: cfg.Prediction == "v", minSnrGamma: minSnrGamma,
            inputPerturbation: inputPerturbation, frameDifferenceLoss: frameDifferenceLoss);

    /// <summary>Trains the cubic baseline on raw (or latent) videos [N, L, C, H, W] through the same diffusion code.</summary>
    public static TrainingResult TrainCubic(CubicVideoDiT model, Func<long, (Tensor Videos, Tensor Labels)> batchAt, TrainingOptions options, double emaDecay = Ema.PaperDecay, Action<long, double>? onStep = null)
    {
        var cfg = model.Config;
        if (options.ContentNoise > 0)
            throw new ArgumentException("training options: --content-noise noises the motion DiT's content-frame " +
                "condition; the cubic DiT has none");
        var meta = ModelMetadata.For(ModelMetadata.Cubic, cfg.ToJson());
        var diffusion = GaussianDiffusion.Create(minSnrGamma: options.MinSnrGamma,
            inputPerturbation: options.InputPerturbation, frameDifferenceLoss: options.FrameDifferenceLoss);
        return Run(model, () => new CubicVideoDiT(cfg), options, meta, emaDecay, onStep, "cubic", step =>
        {
            var device = model.parameters().First().device;
            var (videos, labels) = batchAt(step);
            var x0 = videos.to(device).transpose(1, 2);   // [N, C, L, H, W]
            var y = labels.to(device);
            var t = diffusion.SampleTimesteps(x0.shape[0], device);
            return diffusion.TrainingLosses((x, tt) => model.call(x, tt, y), x0, t).Loss.mean();
        });
    }

    static TrainingResult Run(nn.Module model, Func<nn.Module> twin, TrainingOptions options, Dictionary<string, string> meta, double emaDecay,
        Action<long, double>? onStep, string label, Func<long, Tensor> lossAt)
    {
        if (emaDecay is < 0 or >= 1) throw new ArgumentException($"EMA decay must be in [0, 1) (got {emaDecay})");
        var emaPath = Path.Combine(options.OutDir, ModelMetadata.EmaFileName);
        var device = model.parameters().First().device;
        using var ema = new Ema(model, twin().to(device), emaDecay);
        if (options.Resume && File.Exists(options.CheckpointPath)
            && ResumeEma(ema.Model, emaPath, options.CheckpointPath) is { } note)
            Console.Error.WriteLine($"{label}: {note}");
        meta[ModelMetadata.EmaDecayKey] = ModelMetadata.Format(emaDecay);
        meta[ModelMetadata.Fp32MatmulKey] = Runtime.MatmulPrecision.Name(Runtime.MatmulPrecision.Current);   // EMA too
        return Trainer.Run(model, lossAt, options, meta, (done, loss) =>
        {
            ema.Update();
            onStep?.Invoke(done, loss);
        }, label, onCheckpoint: done => ModuleState.Save(ema.Model, emaPath, EmaMetadata(meta, options, done)));
    }

    /// <summary>
    /// On --resume the EMA continues from <paramref name="emaPath"/>. Returns null when that file is of the
    /// checkpoint's step, else a note: an EMA of another step (written before the EMA was saved with every checkpoint,
    /// or a crash between the two writes) continues that older average; a missing one restarts from the checkpoint's
    /// weights.
    /// </summary>
    public static string? ResumeEma(nn.Module emaModel, string emaPath, string checkpoint)
    {
        long step = TrainingCheckpoint.ReadStep(SafeTensorsFile.Open(checkpoint).Metadata, checkpoint);
        if (!File.Exists(emaPath))
        {
            TrainingCheckpoint.LoadWeights(emaModel, checkpoint);
            return $"no {emaPath}: the EMA restarts from the weights of step {step} in {checkpoint}";
        }
        ModuleState.Load(emaModel, emaPath);
        var at = SafeTensorsFile.Open(emaPath).Metadata.GetValueOrDefault(ModelMetadata.StepKey);
        return at == step.ToString(CultureInfo.InvariantCulture) ? null
            : $"{emaPath} is of step {at ?? "unknown"} and {checkpoint} of step {step}: the EMA continues that average";
    }

    /// <summary>The EMA file beside each checkpoint, of the same step (a run stopped between checkpoint intervals
    /// resumes its EMA from there): the run's metadata, its training options and the step.</summary>
    static Dictionary<string, string> EmaMetadata(Dictionary<string, string> meta, TrainingOptions options,
        long step) => new(meta)
    {
        ["training"] = options.ToJson(), [ModelMetadata.StepKey] = step.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>--resume continues the model in the checkpoint: a different config (e.g. --predict v on an eps run) would
    /// train its weights towards another target under the old name, so it is refused.</summary>
    static void CheckResumedContent(string checkpoint, DiTConfig cfg)
    {
        var saved = System.Text.Json.JsonSerializer.Deserialize<DiTConfig>(ModelMetadata.ReadConfig(checkpoint, ModelMetadata.Content));
        if (saved is not null && saved != cfg)
            throw new ArgumentException($"{checkpoint} holds a content DiT {System.Text.Json.JsonSerializer.Serialize(saved)}; --resume " +
                $"continues it, so it cannot become {System.Text.Json.JsonSerializer.Serialize(cfg)} (a new --out, or --init to start from its weights)");
    }

    /// <summary>--resume continues the motion model in the checkpoint: another config (e.g. --predict v on an eps run)
    /// is refused, as for the content model.</summary>
    static void CheckResumedMotion(string checkpoint, MotionDiTConfig cfg)
    {
        var saved = MotionDiTConfig.FromJson(ModelMetadata.ReadConfig(checkpoint, ModelMetadata.Motion));
        if (saved != cfg)
            throw new ArgumentException($"{checkpoint} holds a motion DiT {saved.ToJson()}; --resume continues " +
                $"it, so it cannot become {cfg.ToJson()} (a new --out, or --init to start from its weights)");
    }

    /// <summary>--resume with another --input-scale would go on training the model on z of another size:
    /// refused.</summary>
    static void CheckResumedInputScale(string checkpoint, double inputScale)
    {
        var saved = SafeTensorsFile.Open(checkpoint).Metadata.GetValueOrDefault(ModelMetadata.InputScaleKey) ?? "1";
        if (double.Parse(saved, System.Globalization.CultureInfo.InvariantCulture) != inputScale)
            throw new ArgumentException($"{checkpoint} was trained with --input-scale {saved}; " +
                "--resume continues it, " +
                $"so it cannot go on at {ModelMetadata.Format(inputScale)} (a new --out, or --init to start from its " +
                "weights)");
    }

    static void CheckResumedVelocity(string checkpoint, int channels)
    {
        var saved = MotionVelocity.Parse(SafeTensorsFile.Open(checkpoint).Metadata.GetValueOrDefault(ModelMetadata.ZVelocityKey));
        if ((saved?.Channels ?? 0) != channels)
            throw new ArgumentException($"{checkpoint} was trained with --z-velocity {saved?.Channels ?? 0}; --resume " +
                $"continues it, so it cannot go on at {channels} (a new --out)");
    }

    static void CheckResumedGivenPlaces(string checkpoint, bool given)
    {
        bool saved = SafeTensorsFile.Open(checkpoint).Metadata.ContainsKey(ModelMetadata.GivenPlacesKey);
        if (saved != given)
            throw new ArgumentException($"{checkpoint} was trained {(saved ? "with" : "without")} --given-places; " +
                "--resume continues it, so it cannot go on " + (given ? "with it" : "without it") + " (a new --out)");
    }

    static void CheckLabels(Tensor labels, int numClasses)
    {
        if (labels.numel() == 0) return;
        long min = labels.min().item<long>(), max = labels.max().item<long>();
        if (min < 0 || max >= numClasses) throw new ArgumentException($"class labels {min}..{max} do not fit a model with {numClasses} classes");
    }
}
