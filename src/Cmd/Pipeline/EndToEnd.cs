using System.Diagnostics;
using System.Net;
using System.Text;
using Cmd.Data;
using Cmd.Training;
using Cmd.Viz;
using TorchSharp;
using static TorchSharp.torch;
using Cmd.Models.Denoisers;
using Cmd.Models.Autoencoder;

namespace Cmd.Pipeline;

/// <summary>Sizes and step counts of an end-to-end CMD run (autoencoder -> pairs -> content model -> motion model -> samples).</summary>
public sealed record DemoPreset
{
    public string Name { get; init; } = "demo";
    public MovingMnistConfig Data { get; init; } = MovingMnistConfig.Tiny;
    public int Clips { get; init; } = 2048;
    public AutoencoderConfig Autoencoder { get; init; } = AutoencoderConfig.Tiny;
    public long AutoencoderSteps { get; init; } = 600;
    public int AutoencoderBatch { get; init; } = 8;
    public DiTConfig Content { get; init; } = ContentDiT.Tiny;
    public long ContentSteps { get; init; } = 600;
    public MotionDiTConfig Motion { get; init; } = MotionDiTConfig.Tiny;
    public long MotionSteps { get; init; } = 600;
    public int DiffusionBatch { get; init; } = 32;
    public int SamplesPerClass { get; init; } = 1;
    public int ContentSamplingSteps { get; init; } = 50;
    public int MotionSamplingSteps { get; init; } = 100;

    /// <summary>`make demo`: 32x32 Moving MNIST clips of 8 frames, sized to finish well under 15 minutes on 2 cores.</summary>
    public static DemoPreset Demo => new()
    {
        Autoencoder = AutoencoderConfig.Tiny with { Name = "demo", Hidden = 96, Depth = 2, Heads = 3, LatentChannels = 4, LearningRate = 1e-3, BatchSize = 8 },
        Content = ContentDiT.Tiny with { PatchSize = 4, HiddenSize = 128, Depth = 4, NumHeads = 4 },
        Motion = MotionDiTConfig.Tiny with { Name = "demo", HiddenSize = 128, Depth = 4, NumHeads = 4 },
    };

    /// <summary>Tests: a few steps of everything.</summary>
    public static DemoPreset Tiny => new() { Name = "tiny", Clips = 32, AutoencoderSteps = 3, ContentSteps = 3, MotionSteps = 3, DiffusionBatch = 4, ContentSamplingSteps = 3, MotionSamplingSteps = 3 };

    /// <summary>Moving MNIST 64x64x16 with the `small` presets of every model (notebooks; about an hour here).</summary>
    public static DemoPreset Small => new()
    {
        Name = "small", Data = MovingMnistConfig.Small, Clips = 4096, Autoencoder = AutoencoderConfig.Small, AutoencoderSteps = 3000,
        Content = ContentDiT.Small, ContentSteps = 3000, Motion = MotionDiTConfig.Small, MotionSteps = 3000, DiffusionBatch = 32,
    };

    public static DemoPreset Preset(string name) => name.ToLowerInvariant() switch
    {
        "demo" => Demo, "tiny" => Tiny, "small" => Small,
        _ => throw new ArgumentException($"unknown pipeline preset '{name}' (known: demo, tiny, small)"),
    };
}

/// <summary>The whole CMD pipeline on embedded Moving MNIST, ending in one HTML page.</summary>
public static class DemoPipeline
{
    public sealed record Result(string Page, double AutoencoderLoss, double ContentLoss, double MotionLoss, double Seconds);

    /// <summary>Encodes clips with the autoencoder into (content frame, z, label) pairs (what `workbench ae encode` writes).</summary>
    public static LatentPairs Encode(CmdAutoencoder ae, IVideoDataset data, int count, int batch = 32)
    {
        var device = ae.parameters().First().device;
        var contents = new List<Tensor>(); var zs = new List<Tensor>(); var labels = new List<long>();
        using var _ = no_grad();
        for (int start = 0; start < count; start += batch)
        {
            using var scope = NewDisposeScope();
            var clips = Enumerable.Range(start, Math.Min(batch, count - start)).Select(data.Get).ToList();
            var frames = stack(clips.Select(c => c.Frames).ToArray()).to(device);
            labels.AddRange(clips.Select(c => (long)c.Label));
            foreach (var c in clips) c.Dispose();
            var e = ae.Encode(frames);
            contents.Add(e.ContentFrame.cpu().MoveToOuterDisposeScope());
            zs.Add(e.Z.cpu().MoveToOuterDisposeScope());
        }
        return new LatentPairs(cat(contents.ToArray()), cat(zs.ToArray()), tensor(labels.ToArray()), ae.Config.GridHeight, ae.Config.GridWidth);
    }

    public static Result Run(DemoPreset preset, string outDir, Device device, Action<string>? log = null, bool progress = true)
    {
        log ??= Console.WriteLine;
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);
        manual_seed(0);
        var data = new MovingMnist(preset.Data, preset.Clips, seed: 0);
        var aeCfg = preset.Autoencoder with { Frames = preset.Data.Frames, Height = preset.Data.Size, Width = preset.Data.Size, Channels = preset.Data.Channels };
        var runs = Path.Combine(outDir, "runs");

        // 1. autoencoder
        log($"[1/5] autoencoder '{aeCfg.Name}' on {preset.Clips} Moving MNIST clips {preset.Data.Shape}: {preset.AutoencoderSteps} steps");
        using var ae = new CmdAutoencoder(aeCfg);
        ae.to(device);
        var aeOptions = AutoencoderTraining.Options(aeCfg) with { Steps = preset.AutoencoderSteps, OutDir = Path.Combine(runs, "ae"), Progress = progress, CheckpointEvery = 0 };
        var aeRes = AutoencoderTraining.Train(ae, step => Batch(data, step, preset.AutoencoderBatch).Videos, aeOptions);
        ae.eval();
        log($"      loss {aeRes.FirstLoss:F4} -> {aeRes.MeanLossLast10Percent:F4} in {aeRes.Seconds:F0} s");

        // 2. pairs
        log($"[2/5] encoding {preset.Clips} clips into (content frame, z) pairs");
        using var pairs = Encode(ae, data, preset.Clips);
        pairs.Save(Path.Combine(runs, "pairs.safetensors"));

        // 3. content model
        var contentCfg = preset.Content with { InChannels = aeCfg.Channels, InputSize = aeCfg.Height };
        log($"[3/5] content-frame DiT ({contentCfg.NumPatches} tokens, width {contentCfg.HiddenSize}, depth {contentCfg.Depth}): {preset.ContentSteps} steps");
        using var content = new DiT(contentCfg);
        content.to(device);
        var cOpt = DiffusionTraining.PaperOptions with { Steps = preset.ContentSteps, OutDir = Path.Combine(runs, "content"), Progress = progress, CheckpointEvery = 0 };
        var cRes = DiffusionTraining.TrainContent(content, pairs, cOpt, preset.DiffusionBatch);
        log($"      loss {cRes.FirstLoss:F4} -> {cRes.MeanLossLast10Percent:F4} in {cRes.Seconds:F0} s");

        // 4. motion model
        var motionCfg = preset.Motion with
        {
            LatentChannels = aeCfg.LatentChannels, Frames = aeCfg.Frames, GridHeight = aeCfg.GridHeight, GridWidth = aeCfg.GridWidth,
            ContentChannels = aeCfg.Channels, ContentHeight = aeCfg.Height, ContentWidth = aeCfg.Width,
        };
        log($"[4/5] motion DiT ({motionCfg.ZTokens} z tokens + {motionCfg.ContentTokens} content tokens, width {motionCfg.HiddenSize}): {preset.MotionSteps} steps");
        using var motion = new MotionDiT(motionCfg);
        motion.to(device);
        var mOpt = DiffusionTraining.PaperOptions with { Steps = preset.MotionSteps, OutDir = Path.Combine(runs, "motion"), Progress = progress, CheckpointEvery = 0 };
        var mRes = DiffusionTraining.TrainMotion(motion, pairs, mOpt, preset.DiffusionBatch);
        log($"      loss {mRes.FirstLoss:F4} -> {mRes.MeanLossLast10Percent:F4} in {mRes.Seconds:F0} s");

        // 5. sampling with the EMA weights, one batch for all classes
        log($"[5/5] sampling: class -> content frame (DDIM {preset.ContentSamplingSteps}, CFG 4.0) -> motion (DDIM {preset.MotionSamplingSteps}) -> decoder");
        // EMA 0.999 keeps 0.999^n of the initial weights: after a few hundred steps it is still mostly the initialisation,
        // so short runs sample the trained weights (paper-length runs use ema.safetensors: `workbench sample` does by default).
        bool useEma = Math.Min(preset.ContentSteps, preset.MotionSteps) >= 5000;
        var contentEma = CmdPipeline.LoadContent(Path.Combine(runs, "content"), device, useEma);
        var motionEma = CmdPipeline.LoadMotion(Path.Combine(runs, "motion"), device, useEma);
        var labels = Enumerable.Range(0, contentCfg.NumClasses).SelectMany(k => Enumerable.Repeat((long)k, preset.SamplesPerClass)).ToArray();
        manual_seed(1);
        var samples = CmdPipeline.Sample(ae, contentEma.Model, motionEma, labels, preset.ContentSamplingSteps, preset.MotionSamplingSteps, batchSize: labels.Length);
        contentEma.Model.Dispose(); motionEma.Model.Dispose();

        var page = WritePage(outDir, ae, data, samples, preset, aeRes, cRes, mRes, clock.Elapsed.TotalSeconds);
        return new Result(page, aeRes.MeanLossLast10Percent, cRes.MeanLossLast10Percent, mRes.MeanLossLast10Percent, clock.Elapsed.TotalSeconds);
    }

    /// <summary>A deterministic batch for a step (clip indices from torch's generator, which checkpoints save).</summary>
    static (Tensor Videos, Tensor Labels) Batch(IVideoDataset data, long step, int batch)
    {
        var idx = randint(0, data.Count, [batch], dtype: int64).data<long>().ToArray();
        var clips = idx.Select(i => data.Get((int)i)).ToList();
        var videos = stack(clips.Select(c => c.Frames).ToArray());
        var labels = tensor(clips.Select(c => (long)c.Label).ToArray());
        foreach (var c in clips) c.Dispose();
        return (videos, labels);
    }

    static string WritePage(string dir, CmdAutoencoder ae, IVideoDataset data, CmdPipeline.Samples samples, DemoPreset preset,
        TrainingResult aeRes, TrainingResult cRes, TrainingResult mRes, double seconds)
    {
        var media = Path.Combine(dir, "media");
        Directory.CreateDirectory(media);
        const int scale = 3;
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>CMD workbench demo</title><style>body{font-family:sans-serif;margin:2em}" +
                    "td{padding:4px 10px;text-align:center;vertical-align:middle}img{image-rendering:pixelated}th{font-weight:normal;color:#555}</style></head><body>");
        html.Append("<h1>CMD: content-frame motion-latent decomposition on Moving MNIST</h1>");
        html.Append($"<p>Preset <b>{preset.Name}</b>: {preset.Clips} clips {WebUtility.HtmlEncode(preset.Data.Shape.ToString())}; autoencoder {preset.AutoencoderSteps} steps (final loss {aeRes.MeanLossLast10Percent:F4}), " +
                    $"content DiT {preset.ContentSteps} steps (loss {cRes.MeanLossLast10Percent:F4}), motion DiT {preset.MotionSteps} steps (loss {mRes.MeanLossLast10Percent:F4}); total {seconds / 60:F1} min.</p>");

        html.Append("<h2>Training clips: content frame, video, reconstruction</h2><table><tr><th>class</th><th>content frame x&#772;</th><th>video</th><th>reconstruction</th></tr>");
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var clips = Enumerable.Range(0, 6).Select(data.Get).ToList();
            var device = ae.parameters().First().device;
            var videos = stack(clips.Select(c => c.Frames).ToArray());
            var e = ae.Encode(videos.to(device));
            var recon = ae.Decode(e.ContentFrame, e.Zx, e.Zy).clamp(-1, 1).cpu();
            var cf = e.ContentFrame.cpu();
            for (int i = 0; i < clips.Count; i++)
            {
                var (c, v, r) = ($"real_{i}_content.png", $"real_{i}_video.gif", $"real_{i}_recon.gif");
                using (var img = VideoViews.FrameGrid(cf[i].unsqueeze(0), scale: scale)) VideoViews.SavePng(img, Path.Combine(media, c));
                VideoViews.SaveGif(videos[i], Path.Combine(media, v), scale: scale);
                VideoViews.SaveGif(recon[i], Path.Combine(media, r), scale: scale);
                html.Append($"<tr><td>{clips[i].Label}</td><td><img src=\"media/{c}\"></td><td><img src=\"media/{v}\"></td><td><img src=\"media/{r}\"></td></tr>");
            }
            foreach (var c in clips) c.Dispose();
        }
        html.Append("</table>");

        html.Append("<h2>Generated: class &rarr; content frame &rarr; motion latent &rarr; video</h2><table><tr><th>class</th><th>generated content frame</th><th>generated video</th><th>frames</th></tr>");
        for (int i = 0; i < samples.Videos.shape[0]; i++)
        {
            var label = samples.Labels[i].item<long>();
            var (c, v, f) = ($"gen_{i}_content.png", $"gen_{i}_video.gif", $"gen_{i}_frames.png");
            using (var img = VideoViews.FrameGrid(samples.ContentFrames[i].unsqueeze(0), scale: scale)) VideoViews.SavePng(img, Path.Combine(media, c));
            VideoViews.SaveGif(samples.Videos[i], Path.Combine(media, v), scale: scale);
            using (var img = VideoViews.FrameGrid(samples.Videos[i], scale: 1)) VideoViews.SavePng(img, Path.Combine(media, f));
            html.Append($"<tr><td>{label}</td><td><img src=\"media/{c}\"></td><td><img src=\"media/{v}\"></td><td><img src=\"media/{f}\"></td></tr>");
        }
        html.Append("</table></body></html>");
        var page = Path.GetFullPath(Path.Combine(dir, "index.html"));
        File.WriteAllText(page, html.ToString());
        return page;
    }
}
