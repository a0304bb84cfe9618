using Cmd.Data;
using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;

namespace Cmd.Presets;

/// <summary>
/// The sizes of a whole CMD run: its data, its three models (autoencoder, content-frame DiT, motion DiT, each fitted to
/// the autoencoder's latent shapes), the cubic baseline of the same size, step counts and sampler settings. One of
/// <see cref="RunPresets"/>; every model's `--preset` names the model of one of these.
/// </summary>
public sealed record RunPreset
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    /// <summary>Moving MNIST clips the run trains on; null for the paper sizes (UCF-101 / WebVid latents, brought by the user).</summary>
    public MovingMnistConfig? Data { get; init; }
    /// <summary>Training clips encoded into (content frame, z) pairs for the diffusion models.</summary>
    public int Clips { get; init; } = 2048;
    /// <summary>Held-out clips an evaluation generates and scores (FVD-local).</summary>
    public int EvaluationClips { get; init; } = 256;

    public required AutoencoderConfig Autoencoder { get; init; }
    public long AutoencoderSteps { get; init; }
    /// <summary>eps_I (Eq. 7); null where the paper fine-tunes Stable Diffusion instead (WebVid).</summary>
    public DiTConfig? Content { get; init; }
    public long ContentSteps { get; init; }
    /// <summary>eps_M (Eq. 8), fitted to <see cref="Autoencoder"/>'s z and content frame.</summary>
    public required MotionDiTConfig Motion { get; init; }
    public long MotionSteps { get; init; }
    /// <summary>The cubic video DiT baseline of the same width (Figures 1, 5, 6); null where not defined.</summary>
    public CubicVideoDiTConfig? Cubic { get; init; }
    public int DiffusionBatch { get; init; } = 32;

    public int SamplesPerClass { get; init; } = 1;
    /// <summary>Appendix B.4: DDIM 50 steps for content frames, 100 for motion, classifier-free guidance 4.0.</summary>
    public int ContentSamplingSteps { get; init; } = 50;
    public int MotionSamplingSteps { get; init; } = 100;
    public double CfgScale { get; init; } = 4.0;

    /// <summary>The content DiT, or a clear error where this preset has none.</summary>
    public DiTConfig ContentDiT => Content ?? throw new ArgumentException(
        $"preset '{Name}' has no content-frame DiT (the paper fine-tunes Stable Diffusion for these content frames)");

    public CubicVideoDiTConfig CubicDiT => Cubic ?? throw new ArgumentException($"preset '{Name}' has no cubic baseline");

    /// <summary>The Moving MNIST clips of this run, or a clear error for the paper sizes.</summary>
    public MovingMnistConfig MovingMnist => Data ?? throw new ArgumentException(
        $"preset '{Name}' trains on UCF-101/WebVid latents, not embedded Moving MNIST: pass --dataset and --root");
}
