using System.Globalization;
using Cmd.Diffusion;
using Cmd.IO;
using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Runtime;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>
/// CMD's sampling pipeline (appendix B.4): class -> content frame (DDIM 50 steps, eta 0, CFG 4.0) -> motion latent conditioned on
/// it (DDIM 100 steps) -> autoencoder decoder -> video. Batched over all requested samples.
/// </summary>
public static class CmdSampler
{
    /// <summary>Appendix B.4: DDIM 50 steps and classifier-free guidance 4.0 for content frames, DDIM 100 steps for motion.</summary>
    public const int DefaultContentSteps = 50, DefaultMotionSteps = 100;
    public const double DefaultCfgScale = 4.0;

    /// <summary>Content frames [N, C, H, W] for the given classes: DDIM (or ancestral: <paramref name="sampler"/>) with
    /// CFG over all eps channels (at the steps of <paramref name="interval"/>; null: every step).</summary>
    public static Tensor SampleContent(DiT model, Tensor labels, int steps = DefaultContentSteps, double cfgScale = DefaultCfgScale,
        Action<int>? onStep = null, DiffusionSampler sampler = DiffusionSampler.Ddim, GuidanceInterval? interval = null)
    {
        interval = (interval ?? GuidanceInterval.Always).Validate();
        var c = model.Config;
        var device = model.parameters().First().device;
        labels = labels.to(device);
        long n = labels.shape[0];
        var diffusion = DiffusionTraining.ContentDiffusion(c, steps.ToString(CultureInfo.InvariantCulture));
        var noise = randn(n, c.InChannels, c.InputSize, c.InputSize, device: device);
        using var _ = no_grad();
        Tensor Loop(DenoiseFn fn, Tensor start) => Draw(diffusion, sampler, fn, start, onStep, clipDenoised: true);
        Tensor sample;
        if (cfgScale == 1.0)
            sample = Loop((x, t) => model.call(x, t, labels), noise);
        else
        {
            var y = cat([labels, full_like(labels, c.NumClasses)]);
            sample = Loop((x, t) => model.ForwardWithCfg(x, t, y, interval.ScaleAt(t, cfgScale), c.InChannels),
                cat([noise, noise]))[..(int)n];
        }
        return sample.clamp(-1, 1);
    }

    /// <summary>A whole sampling run of <paramref name="sampler"/> from <paramref name="start"/>.</summary>
    static Tensor Draw(GaussianDiffusion diffusion, DiffusionSampler sampler, DenoiseFn fn, Tensor start, Action<int>? onStep,
        bool clipDenoised = false, Func<Tensor, Tensor>? denoisedFn = null) =>
        NoGcRegion.Run(() => sampler == DiffusionSampler.Ddpm
            ? diffusion.PSampleLoop(fn, start, clipDenoised, (i, _) => onStep?.Invoke(i), denoisedFn)
            : diffusion.DdimSampleLoop(fn, start, clipDenoised: clipDenoised, onStep: (i, _) => onStep?.Invoke(i),
                denoisedFn: denoisedFn));

    /// <summary>Motion latents z [N, D, L, H'+W'] (unscaled) given content frames and the condition; DDIM (or ancestral: <paramref name="sampler"/>),
    /// optional CFG on the condition; <paramref name="denoisedFn"/> maps each step's predicted x_0 (of z / zScale).</summary>
    /// <param name="velocity">The form the model learned z in (<see cref="MotionVelocity"/>); null: z itself.</param>
    /// <param name="expert">Another motion DiT for the noisiest steps (<see cref="NoiseExpert"/>); null: none.</param>
    /// <param name="given">Puts the given part of z / zScale in x_t before each model call
    /// (<see cref="KeypointPlaces.InputFn"/>); null: the model sees x_t as drawn.</param>
    public static Tensor SampleMotion(MotionDiT model, Tensor content, Tensor? cond, float zScale, int steps = 100, double cfgScale = 1.0,
        Action<int>? onStep = null, DiffusionSampler sampler = DiffusionSampler.Ddim, Func<Tensor, Tensor>? denoisedFn = null,
        MotionVelocity? velocity = null, NoiseExpert? expert = null, Tensor? magnitude = null,
        Func<Tensor, Tensor>? given = null)
    {
        MotionDiT At(Tensor t) => expert?.Pick(model, t) ?? model;
        given ??= x => x;
        if (velocity is not null) denoisedFn = velocity.Wrap(denoisedFn);
        var c = model.Config;
        var device = model.parameters().First().device;
        content = content.to(device);
        cond = cond?.to(device);
        magnitude = magnitude?.to(device);
        long n = content.shape[0];
        var diffusion = DiffusionTraining.MotionDiffusion(model.Config, steps.ToString(CultureInfo.InvariantCulture));
        var noise = randn(n, c.LatentChannels, c.Frames, c.GridHeight + c.GridWidth, device: device);
        using var _ = no_grad();
        Tensor Loop(DenoiseFn fn, Tensor start) => Draw(diffusion, sampler, fn, start, onStep, denoisedFn: denoisedFn);
        Tensor z;
        if (cfgScale == 1.0 || c.Condition != MotionCondition.Class)
            z = Loop((x, t) => At(t).Forward(given(x), t, content, cond, magnitude), noise);
        else
        {
            var y = cat([cond!, full_like(cond!, c.NumClasses)]);
            var cc = cat([content, content]);
            var mm = magnitude is null ? null : cat([magnitude, magnitude]);
            z = Loop((x, t) => At(t).ForwardWithCfg(given(x), t, cc, y, cfgScale, mm), cat([noise, noise]))[..(int)n];
        }
        return velocity is null ? z * zScale : velocity.Decode(z * zScale);
    }

    /// <summary>
    /// SDEdit on motion: real z (unscaled) noised to the original timestep <paramref name="fromT"/> (0-999; the nearest
    /// respaced step at or below it), then denoised by DDIM. Near 0 it returns the real z; at 999 it is
    /// <see cref="SampleMotion"/>. Where between the two the videos go bad tells which noise levels the model gets wrong.
    /// </summary>
    public static Tensor DenoiseMotionFrom(MotionDiT model, Tensor content, Tensor? cond, float zScale, Tensor realZ, int fromT,
        int steps = DefaultMotionSteps, Func<Tensor, Tensor>? denoisedFn = null, MotionVelocity? velocity = null,
        Tensor? magnitude = null)
    {
        if (velocity is not null) denoisedFn = velocity.Wrap(denoisedFn);
        var device = model.parameters().First().device;
        var diffusion = DiffusionTraining.MotionDiffusion(model.Config, steps.ToString(CultureInfo.InvariantCulture));
        int k = diffusion.TimestepMap.Count(t => t <= fromT) - 1;        // the map is ascending
        if (k < 0) throw new ArgumentException($"--from-t must be 0-999 (got {fromT})");
        content = content.to(device);
        cond = cond?.to(device);
        magnitude = magnitude?.to(device);
        using var _ = no_grad();
        var z0 = (velocity is null ? realZ.to(device) : velocity.Encode(realZ.to(device))) / zScale;
        var xk = diffusion.QSample(z0, full(z0.shape[0], k, dtype: int64, device: device), randn_like(z0));
        var z = NoGcRegion.Run(() => diffusion.DdimSampleLoop((x, t) => model.Forward(x, t, content, cond, magnitude), xk,
            fromStep: k, denoisedFn: denoisedFn));
        return velocity is null ? z * zScale : velocity.Decode(z * zScale);
    }

    /// <summary>Result of the full pipeline: content frames [N, C, H, W], motion latents [N, D, L, H'+W'], videos [N, L, C, H, W].</summary>
    public sealed record Samples(Tensor ContentFrames, Tensor Z, Tensor Videos, Tensor Labels);

    /// <summary>class -> content frame -> motion latent -> decoder -> video, in batches of <paramref name="batchSize"/>.</summary>
    public static Samples Sample(CmdAutoencoder ae, DiT content, LoadedDiffusionModel<MotionDiT> motion, long[] labels, int contentSteps = 50, int motionSteps = 100,
        double cfgScale = DefaultCfgScale, double motionCfgScale = 1.0, int batchSize = 16, Action<string>? log = null,
        DiffusionSampler motionSampler = DiffusionSampler.Ddim, MotionAnchor anchor = MotionAnchor.Off,
        DiffusionSampler contentSampler = DiffusionSampler.Ddim, GuidanceInterval? cfgInterval = null)
    {
        if (labels.Length == 0) throw new ArgumentException("nothing to sample: give at least one class");
        CheckFits(ae, motion, [content.Config.InChannels, content.Config.InputSize, content.Config.InputSize],
            "the content model draws");
        var device = content.parameters().First().device;
        var contents = new List<Tensor>(); var zs = new List<Tensor>(); var videos = new List<Tensor>();
        for (int start = 0; start < labels.Length; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var y = tensor(labels.Skip(start).Take(batchSize).ToArray(), device: device);
            string guided = cfgInterval is null || cfgInterval == GuidanceInterval.Always ? "" : $" at {cfgInterval}";
            log?.Invoke($"sampling {start + y.shape[0]}/{labels.Length}: content frames " +
                $"({contentSampler.ToString().ToUpperInvariant()} {contentSteps}, CFG {cfgScale}{guided})");
            var frame = SampleContent(content, y, contentSteps, cfgScale, sampler: contentSampler, interval: cfgInterval);
            log?.Invoke($"sampling {start + y.shape[0]}/{labels.Length}: motion latents ({motionSampler} {motionSteps}" +
                AnchorNote(anchor) + ")");
            var (z, video) = AnimateBatch(ae, motion, frame, y, motionSteps, motionCfgScale, motionSampler, anchor);
            contents.Add(frame.cpu().MoveToOuterDisposeScope());
            zs.Add(z.cpu().MoveToOuterDisposeScope());
            videos.Add(video.cpu().MoveToOuterDisposeScope());
        }
        return new Samples(cat(contents.ToArray()), cat(zs.ToArray()), cat(videos.ToArray()), tensor(labels));
    }

    /// <summary>Motion latents and videos for content frames already drawn ([N, C, H, W], classes
    /// <paramref name="labels"/>): the second half of <see cref="Sample"/>, in batches of <paramref name="batchSize"/>.
    /// </summary>
    public static Samples Animate(CmdAutoencoder ae, LoadedDiffusionModel<MotionDiT> motion, Tensor contentFrames,
        long[] labels, int motionSteps = DefaultMotionSteps, double motionCfgScale = 1.0, int batchSize = 16,
        DiffusionSampler motionSampler = DiffusionSampler.Ddim, MotionAnchor anchor = MotionAnchor.Off)
    {
        if (contentFrames.dim() != 4 || contentFrames.shape[0] != labels.Length)
            throw new ArgumentException($"{labels.Length} classes need content frames [{labels.Length}, C, H, W], got " +
                                       $"[{string.Join(", ", contentFrames.shape)}]");
        CheckFits(ae, motion, contentFrames.shape[1..], "the content frames are");
        var zs = new List<Tensor>(); var videos = new List<Tensor>();
        var device = motion.Model.parameters().First().device;
        for (int start = 0; start < labels.Length; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, labels.Length - start);
            var y = tensor(labels.Skip(start).Take(n).ToArray(), device: device);
            var (z, video) = AnimateBatch(ae, motion, contentFrames.narrow(0, start, n).to(device), y, motionSteps,
                motionCfgScale, motionSampler, anchor);
            zs.Add(z.cpu().MoveToOuterDisposeScope());
            videos.Add(video.cpu().MoveToOuterDisposeScope());
        }
        return new Samples(contentFrames.alias(), cat(zs.ToArray()), cat(videos.ToArray()), tensor(labels));
    }

    /// <summary>That the motion model's z and the content frames [C, H, W] fit the autoencoder's decoder.</summary>
    static void CheckFits(CmdAutoencoder ae, LoadedDiffusionModel<MotionDiT> motion, long[] frame, string frames)
    {
        var mc = motion.Model.Config;
        var ac = ae.Config;
        if (mc.GridHeight != ac.GridHeight || mc.GridWidth != ac.GridWidth || mc.Frames != ac.Frames
            || mc.LatentChannels != ac.LatentChannels)
            throw new ArgumentException($"motion model '{mc.Name}' latents [{mc.LatentChannels}, {mc.Frames}, " +
                $"{mc.GridHeight}+{mc.GridWidth}] do not fit autoencoder '{ac.Name}' [{ac.LatentChannels}, " +
                $"{ac.Frames}, {ac.GridHeight}+{ac.GridWidth}]");
        if (!frame.SequenceEqual([ac.Channels, ac.Height, ac.Width]))
            throw new ArgumentException($"{frames} [{string.Join(", ", frame)}] frames but autoencoder '{ac.Name}' " +
                                        $"decodes [{ac.Channels}, {ac.Height}, {ac.Width}]");
    }

    /// <summary>One batch: motion latent z for the content frames (anchored as <paramref name="anchor"/> says), then
    /// the decoder (Eqs. 5-6).</summary>
    static (Tensor Z, Tensor Video) AnimateBatch(CmdAutoencoder ae, LoadedDiffusionModel<MotionDiT> motion, Tensor frame,
        Tensor y, int motionSteps, double motionCfgScale, DiffusionSampler motionSampler, MotionAnchor anchor)
    {
        var mc = motion.Model.Config;
        var ac = ae.Config;
        using var m = mc.MagnitudeCondition ? motion.DrawMagnitudes(frame.shape[0], mc.MagnitudeInputs) : null;
        using var places = KeypointPlaces.Read(ae, frame, KeypointPlaces.For(motion, MotionPlaces.Drawn, ac));
        long n = frame.shape[0];
        using var drawn = SampleMotion(motion.Model, frame, mc.Condition == MotionCondition.Class ? y : null,
            motion.ZScale, motionSteps, motionCfgScale, sampler: motionSampler,
            denoisedFn: places?.DenoisedFn(0, n, motion.ZScale, KeypointAnchor.DenoisedFn(anchor, ac))
                ?? KeypointAnchor.DenoisedFn(anchor, ac),
            velocity: motion.Velocity, magnitude: m, given: places?.InputFn(0, n, motion.ZScale));
        using var anchored = KeypointAnchor.Finish(drawn, anchor, ac);     // workbench switch: x̄'s frame at rest
        var z = places?.Finish(anchored) ?? anchored.alias();              // workbench switch: x̄'s places given
        var (zx, zy) = MotionLatent.Split(z, mc.GridHeight, mc.GridWidth);
        using var _ = no_grad();
        return (z, ae.Decode(frame, zx, zy).clamp(-1, 1));
    }

    /// <summary>
    /// The full pipeline from files: an autoencoder checkpoint or weights file, content and motion run folders or files
    /// (<paramref name="preferEma"/>: null follows <see cref="EmaPolicy"/>). The models are disposed after sampling.
    /// </summary>
    public static Samples SampleFromFiles(string autoencoder, string content, string motion, long[] labels, Device device,
        int contentSteps = DefaultContentSteps, int motionSteps = DefaultMotionSteps, double cfgScale = DefaultCfgScale,
        int batchSize = 16, bool? preferEma = null, Action<string>? log = null, DiffusionSampler motionSampler = DiffusionSampler.Ddim,
        MotionAnchor anchor = MotionAnchor.Off, DiffusionSampler contentSampler = DiffusionSampler.Ddim,
        GuidanceInterval? cfgInterval = null)
    {
        using var ae = ModelStore.LoadAutoencoder(autoencoder, device);
        var c = ModelStore.LoadContent(content, device, preferEma);
        var m = ModelStore.LoadMotion(motion, device, preferEma);
        try
        {
            log?.Invoke($"models: {c.Path}, {m.Path}");
            return Sample(ae, c.Model, m, labels, contentSteps, motionSteps, cfgScale, batchSize: batchSize, log: log,
                motionSampler: motionSampler, anchor: anchor, contentSampler: contentSampler, cfgInterval: cfgInterval);
        }
        finally { c.Model.Dispose(); m.Model.Dispose(); }
    }

    /// <summary>Motion latents z for real content frames (the paper's "motion prediction", Table 4a), in batches.</summary>
    /// <param name="denoisedFn">Maps each sampler step's predicted x_0 (<see cref="KeypointAnchor.DenoisedFn"/>).</param>
    /// <param name="places">x̄'s places read by the autoencoder, put in each step's x_0 (and, for a motion DiT trained
    /// with given places, in x_t before each model call) when their mode says so (the caller puts them in the result:
    /// <see cref="KeypointPlaces.Finish"/>).</param>
    public static Tensor PredictMotion(LoadedDiffusionModel<MotionDiT> motion, LatentPairs held, int steps = DefaultMotionSteps, int batchSize = 16,
        DiffusionSampler sampler = DiffusionSampler.Ddim, Func<Tensor, Tensor>? denoisedFn = null,
        double cfgScale = 1.0, NoiseExpert? expert = null, MagnitudeDraw? magnitudeDraw = null,
        KeypointPlaces? places = null)
    {
        if ((motion.GivenPlaces is not null) != (places?.Mode == MotionPlaces.Given))
            throw new ArgumentException(motion.GivenPlaces is not null
                ? $"{motion.Path} was trained with given places: give it x̄'s places (KeypointPlaces, mode Given)"
                : $"{motion.Path} draws its places: places of mode Given are for a motion DiT trained with them");
        using var magnitudes = (magnitudeDraw ?? MagnitudeDraw.Default).For(motion, held);
        return InBatches(motion, held, batchSize, (i, content, cond, _) =>
            SampleMotion(motion.Model, content, cond, motion.ZScale, steps, cfgScale, sampler: sampler,
                denoisedFn: places is null ? denoisedFn : places.DenoisedFn(i, content.shape[0], motion.ZScale, denoisedFn),
                velocity: motion.Velocity, expert: expert,
                magnitude: magnitudes?.narrow(0, i, content.shape[0]),
                given: places?.InputFn(i, content.shape[0], motion.ZScale)));
    }

    static string AnchorNote(MotionAnchor anchor) => anchor switch
    {
        MotionAnchor.Final => ", anchored at x̄'s frame",
        MotionAnchor.Denoised => ", anchored at x̄'s frame at every step's x_0",
        _ => "",
    };

    /// <summary><see cref="DenoiseMotionFrom(MotionDiT, Tensor, Tensor?, float, Tensor, int, int, Func{Tensor, Tensor}?,
    /// MotionVelocity?, Tensor?)"/> for each held-out pair's real z, in batches (a magnitude-conditioned DiT's condition
    /// as <paramref name="magnitudeDraw"/> says, as <see cref="PredictMotion"/> gives it).</summary>
    public static Tensor DenoiseMotionFrom(LoadedDiffusionModel<MotionDiT> motion, LatentPairs held, int fromT,
        int steps = DefaultMotionSteps, int batchSize = 16, Func<Tensor, Tensor>? denoisedFn = null,
        MagnitudeDraw? magnitudeDraw = null)
    {
        if (motion.GivenPlaces is not null)
            throw new ArgumentException($"{motion.Path} was trained with given places: denoising real z from a " +
                                        "timestep is for a motion DiT that draws them");
        using var magnitudes = (magnitudeDraw ?? MagnitudeDraw.Default).For(motion, held);
        return InBatches(motion, held, batchSize, (i, content, cond, realZ) =>
            DenoiseMotionFrom(motion.Model, content, cond, motion.ZScale, realZ, fromT, steps, denoisedFn,
                motion.Velocity, magnitudes?.narrow(0, i, content.shape[0])));
    }

    /// <summary>z for the held-out pairs, <paramref name="batchSize"/> at a time: (first pair, content, condition,
    /// real z) -> z.</summary>
    static Tensor InBatches(LoadedDiffusionModel<MotionDiT> motion, LatentPairs held, int batchSize,
        Func<int, Tensor, Tensor?, Tensor, Tensor> draw)
    {
        bool byClass = motion.Model.Config.Condition == MotionCondition.Class;
        var zs = new List<Tensor>();
        for (int i = 0; i < held.Count; i += batchSize)
        {
            using var scope = NewDisposeScope();                  // each batch's views and per-batch places
            int n = Math.Min(batchSize, held.Count - i);
            var cond = byClass ? held.Labels.narrow(0, i, n) : null;
            zs.Add(draw(i, held.Content.narrow(0, i, n), cond, held.Z.narrow(0, i, n)).cpu().MoveToOuterDisposeScope());
        }
        var z = cat(zs.ToArray());
        zs.ForEach(t => t.Dispose());
        return z;
    }

    /// <summary>Videos [N, L, C, H, W] in [-1, 1] decoded from content frames and motion latents, in batches, without gradients.</summary>
    public static Tensor Decode(CmdAutoencoder ae, Tensor content, Tensor z, int batchSize = 16)
    {
        var device = ae.parameters().First().device;
        var parts = new List<Tensor>();
        using var _ = no_grad();
        for (long i = 0; i < content.shape[0]; i += batchSize)
        {
            using var scope = NewDisposeScope();
            long n = Math.Min(batchSize, content.shape[0] - i);
            var video = ae.Decode(content.narrow(0, i, n).to(device), z.narrow(0, i, n).to(device)).clamp(-1, 1);
            parts.Add(video.cpu().MoveToOuterDisposeScope());
        }
        var videos = cat(parts.ToArray());
        parts.ForEach(t => t.Dispose());
        return videos;
    }
}
