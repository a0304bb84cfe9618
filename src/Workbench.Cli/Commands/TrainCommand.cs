using System.CommandLine;
using Cmd.Evaluation;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Training;

namespace Workbench.Cli.Commands;

/// <summary>`workbench train content|motion|eval`: train CMD's diffusion models on (content frame, z) pairs from `workbench ae encode`.</summary>
public sealed class TrainCommand : ICommandGroup
{
    public Command Build()
    {
        var command = new Command("train", "Train CMD's diffusion models (content-frame DiT, motion DiT) on latent pairs");
        command.Subcommands.Add(Content());
        command.Subcommands.Add(Motion());
        command.Subcommands.Add(Eval());
        return command;
    }

    sealed class Common
    {
        public readonly Option<string> Pairs = new("--pairs") { Description = "Latent pairs (safetensors: content, z, label) from `workbench ae encode`", Required = true };
        public readonly Option<long> Steps = new("--steps") { Description = "Training steps", DefaultValueFactory = _ => 1000 };
        public readonly Option<int> Batch = new("--batch") { Description = "Batch size", DefaultValueFactory = _ => 16 };
        public readonly Option<double> Lr = new("--lr") { Description = "Adam learning rate (paper: 1e-4)", DefaultValueFactory = _ => 1e-4 };
        public readonly Option<double> Ema = new("--ema") { Description = "EMA decay (paper: 0.999)", DefaultValueFactory = _ => Cmd.Training.Ema.PaperDecay };
        public readonly Option<string> Out = new("--out") { Description = "Run folder (checkpoint.safetensors, ema.safetensors, loss.csv)", Required = true };
        public readonly Option<bool> Resume = new("--resume") { Description = "Continue from the run folder's checkpoint" };
        public readonly Option<int> Seed = new("--seed") { Description = "Seed", DefaultValueFactory = _ => 0 };
        public readonly Option<string?> Init = new("--init") { Description = "Fine-tune: start from these weights (a run's checkpoint.safetensors or ema.safetensors, or converted PyTorch weights with official keys, e.g. DiT-XL-2-256x256)" };
        public readonly Option<long> CheckpointEvery = new("--checkpoint-every") { Description = "Checkpoint interval in steps", DefaultValueFactory = _ => 500 };
        public readonly Option<double> MaxMinutes = new("--max-minutes") { Description = "Stop (with a checkpoint) after this wall time; 0 = no limit; --resume continues", DefaultValueFactory = _ => 0 };

        public readonly Option<long> Warmup = ScheduleOptions.Warmup();
        public readonly Option<long> DecayStart = ScheduleOptions.DecayStart();
        public readonly Option<int?> Hidden = new("--hidden") { Description = "Width of the DiT (default: the preset's; small: 256)" };
        public readonly Option<int?> Depth = new("--depth") { Description = "DiT blocks (default: the preset's; small: 6)" };
        public readonly Option<int?> Heads = new("--heads") { Description = "Attention heads (default: the preset's; small: 4)" };

        public readonly Option<double> MinSnr = new("--min-snr")
        {
            Description = "Min-SNR-gamma loss weighting (Hang et al. 2023; 5 is theirs); 0 = off, the paper", DefaultValueFactory = _ => 0,
        };

        public readonly Option<double> InputPerturbation = new("--input-perturbation")
        {
            Description = "Train on x_t made with noise eps + g xi, target eps (DDPM-IP, Ning et al. 2023; 0.1 is theirs); " +
                "0 = off, the paper",
            DefaultValueFactory = _ => 0,
        };

        public void AddTo(Command c)
        {
            foreach (var o in new Option[] { Pairs, Steps, Batch, Lr, Ema, Out, Resume, Seed, CheckpointEvery, MaxMinutes, Init,
                MinSnr, InputPerturbation, Warmup, DecayStart, Hidden, Depth, Heads })
                c.Options.Add(o);
        }

        public TrainingOptions Options(ParseResult r) => DiffusionTraining.PaperOptions with
        {
            Steps = r.GetValue(Steps), LearningRate = r.GetValue(Lr), OutDir = r.GetValue(Out)!, Resume = r.GetValue(Resume),
            Seed = r.GetValue(Seed), CheckpointEvery = r.GetValue(CheckpointEvery), MaxMinutes = r.GetValue(MaxMinutes),
            MinSnrGamma = r.GetValue(MinSnr), WarmupSteps = r.GetValue(Warmup), DecayStart = r.GetValue(DecayStart),
            InputPerturbation = r.GetValue(InputPerturbation),
        };

        /// <summary>The width, depth and heads given on the command line, else the preset's.</summary>
        public (int Hidden, int Depth, int Heads) Size(ParseResult r, int hidden, int depth, int heads) =>
            (r.GetValue(Hidden) ?? hidden, r.GetValue(Depth) ?? depth, r.GetValue(Heads) ?? heads);

        public static void Report(TrainingResult res, string outDir) =>
            Console.WriteLine(res.NothingToDo ? res.Describe(Path.Combine(outDir, TrainingCheckpoint.FileName))
                : $"trained steps {res.StartStep}..{res.EndStep} in {res.Seconds:F1} s: loss {res.FirstLoss:F4} -> {res.LastLoss:F4} (mean of last 10%: {res.MeanLossLast10Percent:F4}); wrote {outDir}");
    }

    static Command Content()
    {
        var common = new Common();
        var preset = new Option<string>("--preset") { Description = $"Content DiT preset: {string.Join(", ", RunPresets.NamesWith(p => p.Content))} or DiT-XL/2 etc.", DefaultValueFactory = _ => "small" };
        var classes = new Option<int?>("--classes") { Description = "Number of classes (default: the preset's)" };
        var patch = new Option<int?>("--patch") { Description = "Patch size of the content DiT (default: the preset's; small: 8)" };
        var predict = new Option<string>("--predict")
        {
            Description = "What the network predicts: eps (DiT, the paper), x0 (the official code's predict_xstart) or v",
            DefaultValueFactory = _ => "eps", HelpName = "eps|x0|v",
        };
        predict.Validators.Add(r =>
        {
            if (!DiTConfig.Predictions.Contains(r.GetValueOrDefault<string>()))
                r.AddError($"--predict must be one of {string.Join(", ", DiTConfig.Predictions)} (got '{r.GetValueOrDefault<string>()}')");
        });
        var longSkips = new Option<bool>("--long-skips")
        {
            Description = "U-ViT's long skip connections between mirrored blocks (Bao et al. 2023; not the paper's DiT)",
        };
        var c = new Command("content", "Train the content-frame diffusion model (Eq. 7): class-conditional DiT over content frames")
            { preset, classes, patch, predict, longSkips };
        common.AddTo(c);
        c.SetAction(r =>
        {
            var device = GlobalOptions.ResolveDevice(r);
            using var pairs = LatentPairs.Load(r.GetValue(common.Pairs)!);
            var cfg = pairs.FitContent(RunPresets.ContentDiT(r.GetValue(preset)!));
            if (r.GetValue(classes) is int k) cfg = cfg with { NumClasses = k };
            if (r.GetValue(patch) is int p) cfg = cfg with { PatchSize = p };
            var (width, blocks, heads) = common.Size(r, cfg.HiddenSize, cfg.Depth, cfg.NumHeads);
            cfg = cfg with
            {
                Prediction = r.GetValue(predict)!, HiddenSize = width, Depth = blocks, NumHeads = heads,
                LongSkips = cfg.LongSkips || r.GetValue(longSkips),
            };
            var res = PipelineTraining.Content(cfg, pairs, common.Options(r), r.GetValue(common.Batch), device,
                r.GetValue(common.Init), r.GetValue(common.Ema), Console.WriteLine);
            Common.Report(res, r.GetValue(common.Out)!);
            return 0;
        });
        return c;
    }

    static Command Motion()
    {
        var common = new Common();
        var preset = new Option<string>("--preset") { Description = $"Motion DiT preset: {string.Join(", ", RunPresets.NamesWith(p => p.Motion))}", DefaultValueFactory = _ => "small" };
        var keyPatch = new Option<int?>("--key-patch") { Description = "Key (content-frame) patch size (Table 4c: 4, 8, 16; default: the preset's)" };
        var patch = new Option<int?>("--patch") { Description = "Input patch size of z (default 2)" };
        var framePatch = new Option<int?>("--frame-patch")
        {
            Description = "Frames per z patch (workbench; default: --patch, the paper's square patches). 16 makes a " +
                          "token one cell's whole trajectory",
        };
        var condition = new Option<string>("--condition") { Description = "Condition through adaLN: class or none", DefaultValueFactory = _ => "class" };
        var inputScale = new Option<double>("--input-scale")
        {
            Description = "z scaled to unit std, then by this (Chen 2023: shifts the noise schedule by 2 log b); " +
                          "1 = the paper. Below 1 for z that repeat values (keypoint z), so places are decided where " +
                          "the content frame tells them",
            DefaultValueFactory = _ => 1,
        };
        var velocity = new Option<int>("--z-velocity")
        {
            Description = "Learn the first K z channels (a keypoint autoencoder's K per-frame offsets) as " +
                          "frame-to-frame steps, so speed is the signal (workbench; 0 = z as it is, the paper)",
            HelpName = "K",
        };
        var magnitude = new Option<bool>("--magnitude")
        {
            Description = "Also condition on how far each z channel moves, read from the clip's z in training and " +
                          "drawn from other real clips when sampling (workbench, after SVD's motion bucket; " +
                          "off = the paper)",
        };
        var predict = new Option<string>("--predict")
        {
            Description = "What the network predicts: eps (the paper), x0 or v", DefaultValueFactory = _ => "eps",
            HelpName = "eps|x0|v",
        };
        predict.Validators.Add(r =>
        {
            var given = r.GetValueOrDefault<string>();
            if (!DiTConfig.Predictions.Contains(given))
                r.AddError($"--predict must be one of {string.Join(", ", DiTConfig.Predictions)} (got '{given}')");
        });
        var frameDiff = new Option<double>("--frame-diff-loss")
        {
            Description = "Add W x the MSE of the eps error's frame-to-frame differences (MDM's velocity loss, on " +
                          "eps): weights the fast, wobbling part of the error in time (workbench; 0 = off, the paper)",
            HelpName = "W",
        };
        var givenPlaces = new Option<bool>("--given-places")
        {
            Description = "Keypoint z: learn the shifts given the places (the place channels clean in x_t and out of " +
                          "the loss; sampling reads them off x̄ with the autoencoder). Workbench; off = the paper",
        };
        var contentNoise = new Option<double>("--content-noise")
        {
            Description = "Conditioning augmentation: noise each training content frame with a std drawn from " +
                          "[0, S] (frames in [-1, 1]), as generated frames are imperfect; sampling does not (Ho et " +
                          "al. 2022; workbench; 0 = off, the paper)",
            HelpName = "S",
        };
        var c = new Command("motion",
            "Train the motion diffusion model (Eq. 8): DiT over z tokens + content-frame tokens")
            { preset, keyPatch, patch, framePatch, condition, inputScale, velocity, magnitude, predict, frameDiff,
              givenPlaces, contentNoise };
        common.AddTo(c);
        c.SetAction(r =>
        {
            var device = GlobalOptions.ResolveDevice(r);
            using var pairs = LatentPairs.Load(r.GetValue(common.Pairs)!);
            var cond = r.GetValue(condition)!.ToLowerInvariant() switch
            {
                "class" => MotionCondition.Class,
                "none" => MotionCondition.None,
                "text" => MotionCondition.Text,
                var other => throw new ArgumentException($"--condition must be class or none (got '{other}')"),
            };
            var p = pairs.FitMotion(RunPresets.Motion(r.GetValue(preset)!));
            var (width, blocks, heads) = common.Size(r, p.HiddenSize, p.Depth, p.NumHeads);
            var cfg = p with
            {
                KeyPatchSize = r.GetValue(keyPatch) ?? p.KeyPatchSize, PatchSize = r.GetValue(patch) ?? p.PatchSize,
                FramePatch = r.GetValue(framePatch) ?? p.FramePatch, Condition = cond,
                HiddenSize = width, Depth = blocks, NumHeads = heads, Prediction = r.GetValue(predict)!,
                MagnitudeCondition = r.GetValue(magnitude),
            };
            long patchValues = (long)cfg.PatchFrames * cfg.PatchSize * cfg.LatentChannels;
            if (patchValues > cfg.HiddenSize && cfg.Prediction != "x0")
                Console.WriteLine($"warning: a z patch holds {patchValues} values and the DiT is {cfg.HiddenSize} wide: " +
                    $"its tokens cannot pass the noise through (--predict {cfg.Prediction}); widen it or use smaller patches");
            var options = common.Options(r) with
            {
                InputScale = r.GetValue(inputScale), VelocityChannels = r.GetValue(velocity),
                FrameDifferenceLoss = r.GetValue(frameDiff), GivenPlaces = r.GetValue(givenPlaces),
                ContentNoise = r.GetValue(contentNoise),
            };
            var res = PipelineTraining.Motion(cfg, pairs, options, r.GetValue(common.Batch), device,
                r.GetValue(common.Init), r.GetValue(common.Ema), Console.WriteLine);
            Common.Report(res, r.GetValue(common.Out)!);
            return 0;
        });
        return c;
    }

    static Command Eval()
    {
        var run = new Option<string>("--run") { Description = "Content or motion run folder (its checkpoint and EMA weights are both scored) or a weights file", Required = true };
        var pairs = new Option<string>("--pairs") { Description = "Latent pairs to score on (e.g. encoded held-out clips)", Required = true };
        var count = new Option<int>("--count") { Description = "Pairs used (the first N)", DefaultValueFactory = _ => 256 };
        var steps = new Option<int[]>("--timesteps") { Description = "Diffusion timesteps (0-999)", DefaultValueFactory = _ => DenoisingError.DefaultTimesteps, AllowMultipleArgumentsPerToken = true };
        var c = new Command("eval", "Noise-prediction error of a trained content or motion DiT at fixed timesteps (trained and EMA weights side by side; " +
            "a content DiT also with the null class, a motion DiT also with another pair's content frame: what the condition tells it)") { run, pairs, count, steps };
        c.SetAction(r =>
        {
            using var all = LatentPairs.Load(r.GetValue(pairs)!);
            var ts = r.GetValue(steps)!;
            var res = DenoisingError.ForRun(r.GetValue(run)!, all, r.GetValue(count), ts);
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            Console.WriteLine($"denoising error of {r.GetValue(run)} ({res.Kind}) on {Math.Min(r.GetValue(count), all.Count)} pairs of " +
                $"{r.GetValue(pairs)}: MSE of the predicted noise (eps) and of the x_0 it implies" +
                (res.Kind == ModelMetadata.Content ? " (clipped to [-1, 1] as sampled)" : ""));
            Console.WriteLine("| t | " + string.Join(" | ", res.Columns.Select(col => $"eps, {col.Weights}")) + " | " +
                string.Join(" | ", res.Columns.Select(col => $"x_0, {col.Weights}")) + " |");
            Console.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---|", 2 * res.Columns.Count)));
            for (int i = 0; i < ts.Length; i++)
                Console.WriteLine($"| {ts[i]} | " + string.Join(" | ", res.Columns.Select(col => col.Errors.Eps[i].ToString("F4", inv))) + " | " +
                    string.Join(" | ", res.Columns.Select(col => col.Errors.XStart[i].ToString("F4", inv))) + " |");
            Console.WriteLine($"one constant x_0 for every sample (their mean) would score {res.ConstantXStart.ToString("F4", inv)}: " +
                "an x_0 error above it at high t is worse than knowing nothing");
            return 0;
        });
        return c;
    }
}
