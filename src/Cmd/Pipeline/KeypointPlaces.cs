using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>
/// Workbench diagnostic switch, in neither paper nor code, for keypoint z (<see cref="AutoencoderConfig.WarpKeypoints"/>):
/// a component's place in x̄ is a fact of the content frame, which the motion DiT draws no nearer than another clip's
/// places are (about 8 px here). The autoencoder reads it off x̄ itself: encoded as a still clip (x̄ in every frame),
/// x̄ gives z whose places are x̄'s (the shipped autoencoder's within 0.8 px of the clip's own; their shifts, near zero,
/// are not used). This puts those places in the drawn z, after sampling or in each step's x_0, so the motion DiT is
/// asked only for the shifts; for a motion DiT trained with given places (<see cref="GivenPlaces"/>) also in x_t
/// before each model call.
/// </summary>
public sealed class KeypointPlaces : IDisposable
{
    readonly Tensor still;                     // z of x̄ as a still clip [N, D, L, H'+W']: x̄'s places
    readonly AutoencoderConfig config;

    /// <summary>When the places are put in (<see cref="MotionPlaces.Drawn"/>: never, as the paper samples).</summary>
    public MotionPlaces Mode { get; }

    KeypointPlaces(Tensor still, AutoencoderConfig config, MotionPlaces mode) =>
        (this.still, this.config, Mode) = (still, config, mode);

    /// <summary>The places of real z [N, D, L, H'+W'] themselves: an oracle for what read places cost (the clips' own,
    /// where <see cref="Read"/> reads them off x̄); null for <see cref="MotionPlaces.Drawn"/>.</summary>
    public static KeypointPlaces? Own(Tensor realZ, AutoencoderConfig config, MotionPlaces mode)
    {
        if (mode == MotionPlaces.Drawn) return null;
        Check(config);
        return new KeypointPlaces(realZ.clone(), config, mode);
    }

    /// <summary>The places of content frames [N, C, H, W] as <paramref name="ae"/> reads them, in batches; null for
    /// <see cref="MotionPlaces.Drawn"/>.</summary>
    public static KeypointPlaces? Read(CmdAutoencoder ae, Tensor contentFrames, MotionPlaces mode, int batchSize = 16)
    {
        if (mode == MotionPlaces.Drawn) return null;
        Check(ae.Config);
        var device = ae.parameters().First().device;
        var parts = new List<Tensor>();
        using var _ = no_grad();
        for (long i = 0; i < contentFrames.shape[0]; i += batchSize)
        {
            using var scope = NewDisposeScope();
            var frame = contentFrames.narrow(0, i, Math.Min(batchSize, contentFrames.shape[0] - i)).to(device);
            var stillClip = frame.unsqueeze(1).expand(-1, ae.Config.Frames, -1, -1, -1).contiguous();
            parts.Add(ae.Encode(stillClip).Z.cpu().MoveToOuterDisposeScope());
        }
        var z = cat(parts.ToArray());
        parts.ForEach(t => t.Dispose());
        return new KeypointPlaces(z, ae.Config, mode);
    }

    /// <summary>The sampler's denoised_fn for clips start .. start + n - 1 (<see cref="MotionPlaces.Denoised"/>,
    /// <see cref="MotionPlaces.Given"/>), composed before <paramref name="then"/>; the sampler's z are z /
    /// <paramref name="zScale"/>.</summary>
    public Func<Tensor, Tensor>? DenoisedFn(long start, long n, float zScale, Func<Tensor, Tensor>? then)
    {
        if (Mode is not (MotionPlaces.Denoised or MotionPlaces.Given)) return then;
        var put = Putter(start, n, zScale);
        return then is null ? put : x0 => then(put(x0));
    }

    /// <summary>For <see cref="MotionPlaces.Given"/>: x_t of clips start .. start + n - 1 (z /
    /// <paramref name="zScale"/>) with the places put in before each model call, as the DiT was trained; null for the
    /// other modes.</summary>
    public Func<Tensor, Tensor>? InputFn(long start, long n, float zScale) =>
        Mode == MotionPlaces.Given ? Putter(start, n, zScale) : null;

    /// <summary>z / zScale of clips start .. start + n - 1 (or of a batch doubled for guidance: [cond; uncond]) -> the
    /// same with the places put in.</summary>
    Func<Tensor, Tensor> Putter(long start, long n, float zScale)
    {
        var places = still.narrow(0, start, n) / zScale;
        return x => Apply(x, x.shape[0] == n ? places : places.repeat(x.shape[0] / n, 1, 1, 1));
    }

    /// <summary>The mode sampling uses for <paramref name="motion"/> when <paramref name="asked"/>: a motion DiT
    /// trained with given places (<see cref="GivenPlaces"/>) is always given them; a clear error for a mode that does
    /// not fit.</summary>
    public static MotionPlaces For(LoadedDiffusionModel<MotionDiT> motion, MotionPlaces asked, AutoencoderConfig ae)
    {
        bool given = motion.GivenPlaces is not null;
        if (given && motion.GivenPlaces!.Components != ae.WarpComponents)
            throw new ArgumentException($"{motion.Path} was given the places of {motion.GivenPlaces.Components} " +
                $"components, autoencoder '{ae.Name}' has {ae.WarpComponents}");
        if (given && asked is MotionPlaces.Drawn or MotionPlaces.Given) return MotionPlaces.Given;
        if (given) throw new ArgumentException($"{motion.Path} was trained with given places: it is always given " +
                                               $"x̄'s places (--places {asked.ToString().ToLowerInvariant()} is for " +
                                               "a motion DiT that draws them)");
        if (asked == MotionPlaces.Given)
            throw new ArgumentException($"{motion.Path} draws its places (trained without --given-places): " +
                                        "it cannot be given them");
        return asked;
    }

    /// <summary>Drawn z of all clips with x̄'s places put in (again, for <see cref="MotionPlaces.Denoised"/>: the last
    /// x_0 already has them).</summary>
    public Tensor Finish(Tensor z) => Apply(z, still.to(z.device));

    /// <summary>z [n, D, L, H'+W'] with each axis's channels from K on (places, unused) taken from
    /// <paramref name="places"/>, its shifts kept.</summary>
    Tensor Apply(Tensor z, Tensor places)
    {
        int k = config.WarpComponents;
        using var scope = NewDisposeScope();
        var (zx, zy) = MotionLatent.Split(z, config.GridHeight, config.GridWidth);
        var (px, py) = MotionLatent.Split(places.to(z.dtype, z.device), config.GridHeight, config.GridWidth);
        static Tensor Axis(Tensor drawn, Tensor read, int k) =>
            cat([drawn.narrow(1, 0, k), read.narrow(1, k, drawn.shape[1] - k)], 1);
        return MotionLatent.Concat(Axis(zx, px, k), Axis(zy, py, k)).MoveToOuterDisposeScope();
    }

    static void Check(AutoencoderConfig config)
    {
        if (!config.WarpKeypoints)
            throw new ArgumentException($"autoencoder '{config.Name}' has no keypoint z (--keypoints): no places to read");
    }

    public void Dispose() => still.Dispose();
}

/// <summary>Where keypoint z's places come from (<see cref="KeypointPlaces"/>); workbench, not the paper.</summary>
public enum MotionPlaces
{
    /// <summary>As the motion DiT draws them: the paper's sampler.</summary>
    Drawn,
    /// <summary>Read off x̄ by the autoencoder, put in the drawn z once, after sampling.</summary>
    Final,
    /// <summary>Read off x̄, put in each sampler step's predicted x_0, so the later steps draw shifts for them.</summary>
    Denoised,
    /// <summary>Read off x̄ and given to a motion DiT trained with given places (<see cref="GivenPlaces"/>): in x_t
    /// before each model call, in each step's x_0 and in the result; the DiT draws only the shifts.</summary>
    Given,
}
