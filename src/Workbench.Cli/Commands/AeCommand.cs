using System.CommandLine;
using Cmd.Data;
using Cmd.Evaluation;
using Cmd.Models.Autoencoder;
using Cmd.Models.Backbones;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Reports;
using Cmd.Training;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

/// <summary>`workbench ae train|reconstruct|encode|info`: the CMD autoencoder (paper section 3.2).</summary>
public sealed class AeCommand : ICommandGroup
{
    public Command Build()
    {
        var command = new Command("ae", "CMD autoencoder: train, reconstruct (content frames, PSNR/SSIM), encode (content frame, z) pairs, info");
        command.Subcommands.Add(Train());
        command.Subcommands.Add(Reconstruct());
        command.Subcommands.Add(Encode());
        command.Subcommands.Add(Swap());
        command.Subcommands.Add(Info());
        command.Subcommands.Add(Export());
        return command;
    }

    // ---- model options (override the preset) ----
    readonly Option<string> preset = new("--preset") { Description = $"Autoencoder preset: {string.Join(", ", RunPresets.Names)}", DefaultValueFactory = _ => "small" };
    readonly Option<string> variant = new("--variant") { Description = "paper (default) or official-code (no positions, separate x/y projections, tanh z, 2*sigmoid-1 output, L1 loss, AdamW)", DefaultValueFactory = _ => "paper" };
    readonly Option<int?> d = new("--D") { Description = "Motion latent channels D" };
    readonly Option<int?> l = new("--L") { Description = "Frames per clip L" };
    readonly Option<int?> hidden = new("--hidden") { Description = "TimeSformer width C'" };
    readonly Option<int?> depth = new("--depth") { Description = "Blocks in encoder and decoder each" };
    readonly Option<int?> heads = new("--heads") { Description = "Attention heads" };
    readonly Option<int?> headDim = new("--head-dim") { Description = "Width of a head" };
    readonly Option<int?> patch = new("--patch") { Description = "Patch size (H/H', W/W')" };
    readonly Option<int?> size = new("--size") { Description = "Frame size H = W" };
    readonly Option<string?> importance = new("--importance") { Description = "Importance weights: frame, pixel, pixel-channel (paper and official code; default)" };
    readonly Option<string?> positions = new("--positions") { Description = "Position embeddings: sincos (default), learned or none (official code)" };
    readonly Option<bool> noWeightedSum = new("--no-weighted-sum") { Description = "Table 4b ablation: content frame = plain average of the frames" };
    readonly Option<double?> decoderZNoise = new("--decoder-z-noise") { Description = "Workbench lever (paper: 0): in training, Gaussian noise of this share of std(z) on z before the decoder, so it forgives a motion model's errors" };
    readonly Option<double[]?> zPrior = new("--z-prior")
    {
        Description = "Workbench lever (paper: off): WEIGHT SIGMA: z as a fixed-std Gaussian posterior N(z, SIGMA^2) in training, " +
                      "loss + WEIGHT x KL to N(0, 1): fewer, smoother directions in z for the motion model",
        AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2),
    };
    readonly Option<bool> contentKeys = new("--content-keys") { Description = "Workbench lever (paper: off): g_B's space attention also attends to the content frame's tokens, so a frame can fetch a digit from where it sits there" };
    readonly Option<bool> motionTwins = new("--motion-twins") { Description = "Workbench lever (paper: off; Moving MNIST): each batch adds its clips' motion twins (same paths, other digits) and rebuilds each clip from its twin's z" };
    readonly Option<int?> warp = new("--warp") { Description = "Workbench lever (paper: off): K > 0 replaces the decoder by a separable warp with K components: each frame is the content frame moved along rows by z_x and columns by z_y" };
    readonly Option<bool> rigid = new("--rigid") { Description = "With --warp: each component moves rigidly (one shift per frame), so a digit cannot shear" };
    readonly Option<int?> multiScale = new("--multi-scale")
    {
        Description = "Also take the reconstruction loss on the frames blurred by σ = 1, 2, .. 2^(N-1) px, so a warp learns large motions (0 = off)"
    };
    readonly Option<bool> sprites = new("--sprites")
    {
        Description = "With --warp: each component is a sprite, a box cut from the content frame and moved rigidly with its ink"
    };
    readonly Option<bool> keypoints = new("--keypoints")
    {
        Description = "With --warp K --sprites: z holds each component's shift (its ink's centroid) and place; the sprites split the ink"
    };
    readonly Option<bool> track = new("--track")
    {
        Description = "With --keypoints: each component's shifts come from matching its sprite against every frame, not its centroid"
    };
    readonly Option<bool> freezeEncoder = new("--freeze-encoder") { Description = "Train the decoder only: the content frames and z (and DiTs trained on them) stay valid; use with --init" };
    readonly Option<double?> importanceEntropy = new("--importance-entropy") { Description = "Workbench lever (paper: 0): weight of the importance weights' entropy in the loss; > 0 pulls the content frame towards one frame" };

    // ---- data options ----
    readonly Option<string> dataset = new("--dataset") { Description = $"Dataset: {string.Join(", ", VideoDatasets.Names)}", DefaultValueFactory = _ => "mmnist" };
    readonly Option<int> count = new("--count") { Description = "Clips in the (generated) dataset", DefaultValueFactory = _ => 10_000 };
    readonly Option<long> dataSeed = new("--data-seed") { Description = "Seed of the generated dataset", DefaultValueFactory = _ => 0 };
    readonly Option<string?> root = new("--root") { Description = "Dataset folder for ucf101 (videos + ucfTrainTestlist/), webvid, folder" };
    readonly Option<int> ucfSplit = new("--ucf-split") { Description = "UCF-101 split (1-3); the train list is used", DefaultValueFactory = _ => 1 };
    readonly Option<int?> channels = new("--channels") { Description = "Frame channels C: 1 (grey) or 3 (RGB); train: the model's C (default: the preset's); encode: must match the model" };

    /// <summary>The dataset options for clips of the autoencoder's shape, with the folder of a video dataset.</summary>
    DatasetOptions DataFor(ParseResult r, AutoencoderConfig c, int count, long seed, MnistSplit split)
    {
        if (r.GetValue(channels) is int ch && ch != c.Channels)
            throw new ArgumentException($"--channels {ch}: autoencoder '{c.Name}' takes {c.Channels}-channel clips");
        return AutoencoderData.DatasetFor(c, r.GetValue(dataset)!, count, seed, split) with { Root = r.GetValue(root), UcfSplit = r.GetValue(ucfSplit) };
    }

    AutoencoderConfig ConfigFrom(ParseResult r)
    {
        var c = RunPresets.Autoencoder(r.GetValue(preset)!);
        c = r.GetValue(variant)!.ToLowerInvariant() switch
        {
            "paper" => c.WithVariant(AutoencoderVariant.Paper),
            "official-code" or "official" or "code" => c.WithVariant(AutoencoderVariant.OfficialCode),
            var v => throw new ArgumentException($"unknown --variant '{v}' (paper or official-code)"),
        };
        if (r.GetValue(d) is int dv) c = c with { LatentChannels = dv };
        if (r.GetValue(l) is int lv) c = c with { Frames = lv };
        if (r.GetValue(hidden) is int hv) c = c with { Hidden = hv };
        if (r.GetValue(depth) is int dp) c = c with { Depth = dp };
        if (r.GetValue(heads) is int he) c = c with { Heads = he };
        if (r.GetValue(headDim) is int hd) c = c with { HeadDim = hd };
        if (r.GetValue(patch) is int p) c = c with { PatchSize = p };
        if (r.GetValue(size) is int s) c = c with { Height = s, Width = s };
        if (r.GetValue(channels) is int ch) c = c with { Channels = ch is 1 or 3 ? ch : throw new ArgumentException($"--channels must be 1 or 3 (got {ch})") };
        if (r.GetValue(importance) is string imp) c = c with
        {
            Importance = imp.ToLowerInvariant() switch
            {
                "frame" => ImportanceGranularity.Frame, "pixel" => ImportanceGranularity.Pixel,
                "pixel-channel" or "pixelchannel" => ImportanceGranularity.PixelChannel,
                _ => throw new ArgumentException($"unknown --importance '{imp}' (frame, pixel, pixel-channel)"),
            },
        };
        if (r.GetValue(positions) is string pos) c = c with
        {
            PositionEmbedding = pos.ToLowerInvariant() switch
            {
                "sincos" or "sin-cos" => PositionEmbeddingKind.SinCos, "learned" => PositionEmbeddingKind.Learned,
                "none" => PositionEmbeddingKind.None,
                _ => throw new ArgumentException($"unknown --positions '{pos}' (sincos, learned, none)"),
            },
        };
        if (r.GetValue(noWeightedSum)) c = c with { WeightedSum = false };
        if (r.GetValue(importanceEntropy) is double h) c = c with { ImportanceEntropy = h };
        if (r.GetValue(decoderZNoise) is double zn) c = c with { DecoderZNoise = zn };
        if (r.GetValue(freezeEncoder)) c = c with { FreezeEncoder = true };
        if (r.GetValue(contentKeys)) c = c with { ContentKeys = true };
        if (r.GetValue(motionTwins)) c = c with { MotionTwins = true };
        if (r.GetValue(warp) is int k) c = c with { WarpComponents = k };
        if (r.GetValue(rigid)) c = c with { RigidWarp = true };
        if (r.GetValue(sprites)) c = c with { WarpSprites = true };
        if (r.GetValue(keypoints)) c = c with { WarpKeypoints = true };
        if (r.GetValue(track)) c = c with { WarpTracking = true };
        if (r.GetValue(multiScale) is int n) c = c with { MultiScaleLevels = n };
        if (r.GetValue(zPrior) is [var w, var sigma]) c = c with { ZPriorWeight = w, ZPosteriorStd = sigma };
        return c.Validate();
    }

    static MnistSplit ParseSplit(string s) => s.ToLowerInvariant() switch
    {
        "all" => MnistSplit.All, "train" => MnistSplit.Train, "test" => MnistSplit.Test,
        _ => throw new ArgumentException($"unknown --split '{s}' (train, test, all)"),
    };

    Command Train()
    {
        var steps = new Option<long>("--steps") { Description = "Training steps", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int?>("--batch") { Description = "Clips per step (default: the preset's)" };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (paper 1e-5; default: the preset's)" };
        var beta1 = new Option<double?>("--beta1") { Description = "Adam beta1 (paper 0.5)" };
        var beta2 = new Option<double?>("--beta2") { Description = "Adam beta2 (paper 0.9)" };
        var wd = new Option<double?>("--weight-decay") { Description = "Weight decay (paper 0)" };
        var warmup = ScheduleOptions.Warmup();
        var decayStart = ScheduleOptions.DecayStart();
        var clip = new Option<double>("--clip-grad") { Description = "Clip the gradient norm (0 = off)", DefaultValueFactory = _ => 0 };
        var every = new Option<long>("--checkpoint-every") { Description = "Checkpoint interval in steps", DefaultValueFactory = _ => 200 };
        var minutes = new Option<double>("--max-minutes") { Description = "Stop (with a checkpoint) after this wall time; 0 = no limit", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of weights and batch order", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder (checkpoint.safetensors, loss.csv)", DefaultValueFactory = _ => "runs/ae" };
        var resume = new Option<bool>("--resume") { Description = "Continue from <out>/checkpoint.safetensors" };
        var init = new Option<string?>("--init") { Description = "Fine-tune: start from this autoencoder's weights (checkpoint or `ae export` file; fresh optimizer)" };
        var initFresh = new Option<string[]>("--init-fresh") { Description = "With --init: parameters (name prefixes, e.g. importance_head.) that keep their new init", AllowMultipleArgumentsPerToken = true };
        var c = new Command("train", "Train the autoencoder (L2 reconstruction; Adam with the paper's betas) on a dataset's train split")
        { preset, variant, d, l, hidden, depth, heads, headDim, patch, size, importance, positions, noWeightedSum, importanceEntropy, decoderZNoise, freezeEncoder, contentKeys, motionTwins, warp, rigid, sprites, keypoints, track, multiScale, zPrior, dataset, root,
          ucfSplit, channels, count, dataSeed, steps, batch, lr, beta1, beta2, wd, warmup, decayStart, clip, every, minutes, seed, output, resume, init, initFresh };
        c.SetAction(r =>
        {
            var device = GlobalOptions.ResolveDevice(r);
            string outDir = r.GetValue(output)!;
            var config = ConfigFrom(r);
            var requested = AutoencoderTraining.Options(config) with
            {
                Steps = r.GetValue(steps), WarmupSteps = r.GetValue(warmup), DecayStart = r.GetValue(decayStart),
                MaxGradNorm = r.GetValue(clip), CheckpointEvery = r.GetValue(every),
                MaxMinutes = r.GetValue(minutes), Seed = r.GetValue(seed), OutDir = outDir, Resume = r.GetValue(resume),
            };
            config = AutoencoderTraining.ConfigForRun(config, requested, Console.Error.WriteLine);
            if (r.GetValue(batch) is int b) config = config with { BatchSize = b };
            var options = requested with
            {
                LearningRate = r.GetValue(lr) ?? config.LearningRate, Beta1 = r.GetValue(beta1) ?? config.Beta1,
                Beta2 = r.GetValue(beta2) ?? config.Beta2, WeightDecay = r.GetValue(wd) ?? config.WeightDecay,
                DecoupledWeightDecay = config.DecoupledWeightDecay,
            };
            var ds = VideoDatasets.Open(DataFor(r, config, r.GetValue(count), r.GetValue(dataSeed), MnistSplit.Train));
            var (model, result) = PipelineTraining.Autoencoder(config, ds, options, device, r.GetValue(init), r.GetValue(initFresh), Console.WriteLine);
            model.Dispose();
            Console.WriteLine(result.Describe(options.CheckpointPath));
            Console.WriteLine($"checkpoint {options.CheckpointPath}; loss log {options.LossLogPath}");
            return 0;
        });
        return c;
    }

    Option<string> CheckpointOption() => new("--checkpoint") { Description = "Autoencoder checkpoint (checkpoint.safetensors of `ae train`)", Required = true };

    Command Reconstruct()
    {
        var checkpoint = CheckpointOption();
        var output = new Option<string>("--out") { Description = "Folder for PNGs and CSVs", DefaultValueFactory = _ => "results/ae" };
        var split = new Option<string>("--split") { Description = "Digits of the clips: test (held out, default), train, all", DefaultValueFactory = _ => "test" };
        var clips = new Option<int>("--clips") { Description = "Clips to score", DefaultValueFactory = _ => 64 };
        var shown = new Option<int>("--shown") { Description = "Clips drawn in the images", DefaultValueFactory = _ => 4 };
        var evalSeed = new Option<long>("--data-seed") { Description = "Seed of the evaluation clips (differs from training's 0)", DefaultValueFactory = _ => 1234 };
        var scale = new Option<int>("--scale") { Description = "Pixel enlargement of the images", DefaultValueFactory = _ => 2 };
        var c = new Command("reconstruct", "Reconstruct held-out clips: content frame beside the frames (Fig. 7), originals over reconstructions, importance weights, PSNR/SSIM per clip")
        { checkpoint, output, split, clips, shown, dataset, root, ucfSplit, channels, evalSeed, scale };
        c.SetAction(r =>
        {
            var device = GlobalOptions.ResolveDevice(r);
            using var model = ModelStore.LoadAutoencoder(r.GetValue(checkpoint)!, device);
            var ds = VideoDatasets.Open(DataFor(r, model.Config, Math.Max(r.GetValue(clips), r.GetValue(shown)), r.GetValue(evalSeed),
                ParseSplit(r.GetValue(split)!)));
            var s = AutoencoderReport.Write(model, ds, r.GetValue(output)!, r.GetValue(clips), r.GetValue(shown), r.GetValue(scale));
            Console.WriteLine($"{s.Clips} {r.GetValue(split)} clips of {ds.Name} {ds.Shape}: PSNR {s.MeanPsnr:F2} dB, SSIM {s.MeanSsim:F4}");
            foreach (var f in s.Files) Console.WriteLine($"wrote {f}");
            return 0;
        });
        return c;
    }

    Command Encode()
    {
        var checkpoint = CheckpointOption();
        var output = new Option<string>("--out") { Description = "Safetensors file of pairs: content [N,C,H,W], z [N,D,L,H'+W'], label [N]; captions in metadata", DefaultValueFactory = _ => "runs/ae/latents.safetensors" };
        var split = new Option<string>("--split") { Description = "Digits of the clips: train (default), test, all", DefaultValueFactory = _ => "train" };
        var n = new Option<int>("--clips") { Description = "Clips to encode", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "Clips per forward pass", DefaultValueFactory = _ => 16 };
        var c = new Command("encode", "Encode clips into (content frame, motion latent z, label, caption) pairs for the diffusion models")
        { checkpoint, output, split, n, batch, dataset, root, ucfSplit, channels, dataSeed };
        c.SetAction(r =>
        {
            var device = GlobalOptions.ResolveDevice(r);
            using var model = ModelStore.LoadAutoencoder(r.GetValue(checkpoint)!, device);
            var ds = VideoDatasets.Open(DataFor(r, model.Config, r.GetValue(n), r.GetValue(dataSeed), ParseSplit(r.GetValue(split)!)));
            using var pairs = LatentEncoder.Encode(model, ds, r.GetValue(n), r.GetValue(batch));
            pairs.Save(r.GetValue(output)!);
            Console.WriteLine($"wrote {r.GetValue(output)}: {pairs.Count} pairs; content [{string.Join(", ", pairs.Content.shape)}], z [{string.Join(", ", pairs.Z.shape)}], label [{pairs.Count}]");
            return 0;
        });
        return c;
    }

    Command Swap()
    {
        var checkpoint = CheckpointOption();
        var clips = new Option<int>("--clips") { Description = "Held-out clips (each decoded with the next one's content frame)", DefaultValueFactory = _ => 256 };
        var evalSeed = new Option<long>("--data-seed") { Description = "Seed of the evaluation clips (differs from training's 0)", DefaultValueFactory = _ => MovingMnist.EvaluationSeed };
        var c = new Command("swap", "Decode each held-out clip's z with the next clip's content frame: does the decoder draw the content " +
                                    "frame's digits (moved along z) or z's clip? PSNR against both; on Moving MNIST also with its motion twin's content frame") { checkpoint, clips, evalSeed, dataset, root, ucfSplit, channels };
        c.SetAction(r =>
        {
            var device = GlobalOptions.ResolveDevice(r);
            using var model = ModelStore.LoadAutoencoder(r.GetValue(checkpoint)!, device);
            var ds = VideoDatasets.Open(DataFor(r, model.Config, r.GetValue(clips), r.GetValue(evalSeed), MnistSplit.Test));
            Console.WriteLine(ContentUse.Measure(model, ds, r.GetValue(clips)));
            return 0;
        });
        return c;
    }

    Command Export()
    {
        var checkpoint = CheckpointOption();
        var output = new Option<string>("--out") { Description = "Weights file to write (model weights + config metadata, no optimizer state)", Required = true };
        var c = new Command("export", "Write a checkpoint's model weights alone (loads like a checkpoint in reconstruct/encode)") { checkpoint, output };
        c.SetAction(r =>
        {
            TrainingCheckpoint.ExportWeights(r.GetValue(checkpoint)!, r.GetValue(output)!);
            Console.WriteLine($"wrote {r.GetValue(output)} ({new FileInfo(r.GetValue(output)!).Length / 1024} KiB)");
            return 0;
        });
        return c;
    }

    Command Info()
    {
        var c = new Command("info", "Print a preset's configuration and parameter count") { preset, variant, d, l, hidden, depth, heads, headDim, patch, size, channels, importance, positions, noWeightedSum, importanceEntropy };
        c.SetAction(r =>
        {
            var config = ConfigFrom(r);
            using var model = new CmdAutoencoder(config);
            Console.WriteLine($"preset {config.Name} ({config.Variant}): {model.ParameterCount():N0} parameters");
            Console.WriteLine($"video [L={config.Frames}, C={config.Channels}, H={config.Height}, W={config.Width}], patch {config.PatchSize} -> H'xW' = {config.GridHeight}x{config.GridWidth}, {config.TokensPerVideo} tokens/video");
            Console.WriteLine($"C' = {config.Hidden}, D = {config.LatentChannels}, depth {config.Depth}, {config.Heads} heads x {config.HeadDim}; z_x [{config.LatentChannels}, {config.Frames}, {config.GridHeight}], z_y [{config.LatentChannels}, {config.Frames}, {config.GridWidth}]");
            Console.WriteLine(config.ToJson());
            return 0;
        });
        return c;
    }
}
