using System.Globalization;
using System.Text.Json;
using Cmd.IO;
using Cmd.Training;
using TorchSharp;
using static TorchSharp.torch;
using Cmd.Models.Denoisers;
using Cmd.Models.Autoencoder;
using Cmd.Diffusion;

namespace Cmd.Pipeline;

/// <summary>A trained diffusion model with what sampling needs from its checkpoint metadata.</summary>
public sealed record LoadedDiffusionModel<T>(T Model, IReadOnlyDictionary<string, string> Metadata, string Path) where T : nn.Module
{
    public float ZScale => Metadata.TryGetValue("z_scale", out var s) ? float.Parse(s, CultureInfo.InvariantCulture) : 1f;
}

/// <summary>
/// CMD's sampling pipeline (appendix B.4): class -> content frame (DDIM 50 steps, eta 0, CFG 4.0) -> motion latent conditioned on
/// it (DDIM 100 steps) -> autoencoder decoder -> video. Batched over all requested samples.
/// </summary>
public static class CmdPipeline
{
    /// <summary>Loads a content-frame DiT from a run folder or file (ema.safetensors preferred, else the checkpoint's model).</summary>
    public static LoadedDiffusionModel<DiT> LoadContent(string path, Device? device = null, bool preferEma = true) =>
        Load(path, DiffusionKinds.Content, json => new DiT(JsonSerializer.Deserialize<DiTConfig>(json)!), device, preferEma);

    public static LoadedDiffusionModel<MotionDiT> LoadMotion(string path, Device? device = null, bool preferEma = true) =>
        Load(path, DiffusionKinds.Motion, json => new MotionDiT(MotionDiTConfig.FromJson(json)), device, preferEma);

    public static LoadedDiffusionModel<CubicVideoDiT> LoadCubic(string path, Device? device = null, bool preferEma = true) =>
        Load(path, DiffusionKinds.Cubic, json => new CubicVideoDiT(CubicVideoDiTConfig.FromJson(json)), device, preferEma);

    static LoadedDiffusionModel<T> Load<T>(string path, string kind, Func<string, T> build, Device? device, bool preferEma) where T : nn.Module
    {
        string file = path;
        if (Directory.Exists(path))
        {
            var ema = System.IO.Path.Combine(path, DiffusionKinds.EmaFileName);
            file = preferEma && File.Exists(ema) ? ema : System.IO.Path.Combine(path, TrainingCheckpoint.FileName);
        }
        if (!File.Exists(file)) throw new FileNotFoundException($"model file not found: {file}", file);
        var meta = SafeTensorsFile.Open(file).Metadata;
        if (!meta.TryGetValue("model_kind", out var k) || k != kind || !meta.TryGetValue("model_config", out var json))
            throw new InvalidDataException($"{file}: not a {kind} file (metadata model_kind is '{k ?? "missing"}')");
        var model = build(json);
        TrainingCheckpoint.LoadWeights(model, file);
        if (device is not null) model.to(device);
        model.eval();
        return new LoadedDiffusionModel<T>(model, meta, file);
    }

    /// <summary>Content frames [N, C, H, W] for the given classes: DDIM with CFG over all eps channels.</summary>
    public static Tensor SampleContent(DiT model, Tensor labels, int steps = ContentDiT.DefaultSamplingSteps, double cfgScale = ContentDiT.DefaultCfgScale, Action<int>? onStep = null)
    {
        var c = model.Config;
        var device = model.parameters().First().device;
        labels = labels.to(device);
        long n = labels.shape[0];
        var diffusion = GaussianDiffusion.Create(steps.ToString(CultureInfo.InvariantCulture));
        var noise = randn(n, c.InChannels, c.InputSize, c.InputSize, device: device);
        using var _ = no_grad();
        Tensor sample;
        if (cfgScale == 1.0)
            sample = diffusion.DdimSampleLoop((x, t) => model.call(x, t, labels), noise, clipDenoised: true, onStep: (i, _) => onStep?.Invoke(i));
        else
        {
            var y = cat([labels, full_like(labels, c.NumClasses)]);
            var both = diffusion.DdimSampleLoop((x, t) => model.ForwardWithCfg(x, t, y, cfgScale, c.InChannels), cat([noise, noise]), clipDenoised: true, onStep: (i, _) => onStep?.Invoke(i));
            sample = both[..(int)n];
        }
        return sample.clamp(-1, 1);
    }

    /// <summary>Motion latents z [N, D, L, H'+W'] (unscaled) given content frames and the condition; DDIM, optional CFG on the condition.</summary>
    public static Tensor SampleMotion(MotionDiT model, Tensor content, Tensor? cond, float zScale, int steps = 100, double cfgScale = 1.0, Action<int>? onStep = null)
    {
        var c = model.Config;
        var device = model.parameters().First().device;
        content = content.to(device);
        cond = cond?.to(device);
        long n = content.shape[0];
        var diffusion = GaussianDiffusion.Create(steps.ToString(CultureInfo.InvariantCulture));
        var noise = randn(n, c.LatentChannels, c.Frames, c.GridHeight + c.GridWidth, device: device);
        using var _ = no_grad();
        Tensor z;
        if (cfgScale == 1.0 || c.Condition != MotionCondition.Class)
            z = diffusion.DdimSampleLoop((x, t) => model.Forward(x, t, content, cond), noise, onStep: (i, _) => onStep?.Invoke(i));
        else
        {
            var y = cat([cond!, full_like(cond!, c.NumClasses)]);
            var cc = cat([content, content]);
            z = diffusion.DdimSampleLoop((x, t) => model.ForwardWithCfg(x, t, cc, y, cfgScale), cat([noise, noise]), onStep: (i, _) => onStep?.Invoke(i))[..(int)n];
        }
        return z * zScale;
    }

    /// <summary>Result of the full pipeline: content frames [N, C, H, W], motion latents [N, D, L, H'+W'], videos [N, L, C, H, W].</summary>
    public sealed record Samples(Tensor ContentFrames, Tensor Z, Tensor Videos, Tensor Labels);

    /// <summary>class -> content frame -> motion latent -> decoder -> video, in batches of <paramref name="batchSize"/>.</summary>
    public static Samples Sample(CmdAutoencoder ae, DiT content, LoadedDiffusionModel<MotionDiT> motion, long[] labels, int contentSteps = 50, int motionSteps = 100,
        double cfgScale = ContentDiT.DefaultCfgScale, double motionCfgScale = 1.0, int batchSize = 16, Action<string>? log = null)
    {
        if (labels.Length == 0) throw new ArgumentException("nothing to sample: give at least one class");
        var mc = motion.Model.Config;
        var ac = ae.Config;
        if (mc.GridHeight != ac.GridHeight || mc.GridWidth != ac.GridWidth || mc.Frames != ac.Frames || mc.LatentChannels != ac.LatentChannels)
            throw new ArgumentException($"motion model '{mc.Name}' latents [{mc.LatentChannels}, {mc.Frames}, {mc.GridHeight}+{mc.GridWidth}] do not fit autoencoder '{ac.Name}' [{ac.LatentChannels}, {ac.Frames}, {ac.GridHeight}+{ac.GridWidth}]");
        var device = content.parameters().First().device;
        var contents = new List<Tensor>(); var zs = new List<Tensor>(); var videos = new List<Tensor>();
        for (int start = 0; start < labels.Length; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var y = tensor(labels.Skip(start).Take(batchSize).ToArray(), device: device);
            log?.Invoke($"sampling {start + y.shape[0]}/{labels.Length}: content frames (DDIM {contentSteps}, CFG {cfgScale})");
            var frame = SampleContent(content, y, contentSteps, cfgScale);
            log?.Invoke($"sampling {start + y.shape[0]}/{labels.Length}: motion latents (DDIM {motionSteps})");
            var z = SampleMotion(motion.Model, frame, mc.Condition == MotionCondition.Class ? y : null, motion.ZScale, motionSteps, motionCfgScale);
            var (zx, zy) = MotionLatent.Split(z, mc.GridHeight, mc.GridWidth);
            using var _ = no_grad();
            var video = ae.Decode(frame.to(device), zx, zy).clamp(-1, 1);
            contents.Add(frame.cpu().MoveToOuterDisposeScope());
            zs.Add(z.cpu().MoveToOuterDisposeScope());
            videos.Add(video.cpu().MoveToOuterDisposeScope());
        }
        return new Samples(cat(contents.ToArray()), cat(zs.ToArray()), cat(videos.ToArray()), tensor(labels));
    }
}
