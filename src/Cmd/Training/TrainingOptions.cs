using System.Text.Json;

namespace Cmd.Training;

/// <summary>
/// Options of a training run, shared by every model (autoencoder, content and motion diffusion). The learning rate has no
/// default: a caller starts from a model's named recipe (<see cref="AutoencoderTraining.Options"/> for the autoencoder's
/// config, <see cref="DiffusionTraining.PaperOptions"/> for both DiTs, appendix B.3). Betas default to Adam's (0.9, 0.999).
/// </summary>
public sealed record TrainingOptions
{
    public long Steps { get; init; } = 1000;
    /// <summary>0 = not chosen: <see cref="Validate"/> refuses it.</summary>
    public double LearningRate { get; init; }
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Eps { get; init; } = 1e-8;
    public double WeightDecay { get; init; }
    /// <summary>AdamW (weight decay applied to the weights, decoupled from the gradient) instead of Adam's L2 term.</summary>
    public bool DecoupledWeightDecay { get; init; }
    /// <summary>Linear learning-rate warm-up over this many steps (0 = none).</summary>
    public long WarmupSteps { get; init; }
    /// <summary>Cosine learning-rate decay from this step to zero at <see cref="Steps"/> (0 = none, the paper's constant rate).</summary>
    public long DecayStart { get; init; }
    /// <summary>Clip the global gradient norm to this value (0 = no clipping).</summary>
    public double MaxGradNorm { get; init; }
    /// <summary>Write a checkpoint every this many steps (and always at the end); 0 = only at the end.</summary>
    public long CheckpointEvery { get; init; } = 500;
    /// <summary>Write a CSV row every this many steps.</summary>
    public long LogEvery { get; init; } = 1;
    public int Seed { get; init; }
    /// <summary>Stop after this many minutes of wall time (writing a checkpoint), even before Steps; 0 = no limit. Resume continues.</summary>
    public double MaxMinutes { get; init; }
    /// <summary>Output folder: checkpoint.safetensors, loss.csv.</summary>
    public string OutDir { get; init; } = "runs/train";
    /// <summary>Continue from OutDir/checkpoint.safetensors if it exists.</summary>
    public bool Resume { get; init; }
    /// <summary>Diffusion models: min-SNR-gamma loss weighting (<see cref="Diffusion.GaussianDiffusion.MinSnrGamma"/>); 0 = off, the paper.</summary>
    public double MinSnrGamma { get; init; }
    /// <summary>Diffusion models: input perturbation (<see cref="Diffusion.GaussianDiffusion.InputPerturbation"/>,
    /// DDPM-IP); 0 = off, the paper.</summary>
    public double InputPerturbation { get; init; }
    /// <summary>Motion and video diffusion: the weight of the frame-difference loss
    /// (<see cref="Diffusion.GaussianDiffusion.FrameDifferenceLoss"/>); 0 = off, the paper.</summary>
    public double FrameDifferenceLoss { get; init; }
    /// <summary>Motion diffusion: z is scaled to unit std, then by this (Chen 2023, "On the importance of noise
    /// scheduling": input scaling b shifts log-SNR by 2 log b); 1 = the paper. Below 1 when z repeats a value over
    /// many entries (keypoint z: a place over 16 frames x 16 cells), which a denoiser would otherwise read off the
    /// noisy z until high noise.</summary>
    public double InputScale { get; init; } = 1;
    /// <summary>Motion diffusion: the first this many z channels (a keypoint autoencoder's per-frame offsets) learned
    /// as frame-to-frame steps (<see cref="MotionVelocity"/>); 0 = z as it is, the paper.</summary>
    public int VelocityChannels { get; init; }
    /// <summary>Motion diffusion on keypoint z: its places given, only the shifts learned (<see cref="GivenPlaces"/>);
    /// false = z as a whole, the paper.</summary>
    public bool GivenPlaces { get; init; }
    /// <summary>Motion diffusion: conditioning augmentation of the content frames, the largest noise std
    /// (<see cref="ConditionAugmentation"/>); 0 = off, the paper.</summary>
    public double ContentNoise { get; init; }
    /// <summary>Show the progress bar on stderr.</summary>
    public bool Progress { get; init; } = true;

    public string CheckpointPath => Path.Combine(OutDir, TrainingCheckpoint.FileName);
    public string LossLogPath => Path.Combine(OutDir, LossLog.FileName);

    public TrainingOptions Validate()
    {
        void Need(bool ok, string message) { if (!ok) throw new ArgumentException($"training options: {message}"); }
        Need(Steps > 0, $"--steps must be positive (got {Steps})");
        Need(LearningRate > 0, LearningRate == 0
            ? "no learning rate: start from a model's recipe (AutoencoderTraining.Options, DiffusionTraining.PaperOptions) or pass --lr"
            : $"--lr must be positive (got {LearningRate})");
        Need(Beta1 is >= 0 and < 1 && Beta2 is >= 0 and < 1, $"betas must be in [0, 1) (got {Beta1}, {Beta2})");
        Need(Eps > 0 && WeightDecay >= 0 && WarmupSteps >= 0 && MaxGradNorm >= 0 && MaxMinutes >= 0 && CheckpointEvery >= 0 && LogEvery > 0, "eps > 0 and weight decay, warm-up, clipping, checkpoint interval >= 0, log interval > 0");
        Need(DecayStart >= 0 && (DecayStart == 0 || DecayStart < Steps),
            $"--decay-start must be 0 (no decay) or a step before --steps {Steps} (got {DecayStart})");
        Need(InputScale > 0 && double.IsFinite(InputScale),
            $"--input-scale must be > 0 (1 = the paper; got {InputScale})");
        Need(VelocityChannels >= 0, $"--z-velocity must be >= 0 (0 = off; got {VelocityChannels})");
        Need(!GivenPlaces || VelocityChannels == 0, "--given-places and --z-velocity do not go together");
        Need(MinSnrGamma >= 0 && double.IsFinite(MinSnrGamma), $"--min-snr must be >= 0 (0 = off; got {MinSnrGamma})");
        Need(InputPerturbation >= 0 && double.IsFinite(InputPerturbation),
            $"--input-perturbation must be >= 0 (0 = off; got {InputPerturbation})");
        Need(FrameDifferenceLoss >= 0 && double.IsFinite(FrameDifferenceLoss),
            $"--frame-diff-loss must be >= 0 (0 = off; got {FrameDifferenceLoss})");
        Need(ContentNoise >= 0 && double.IsFinite(ContentNoise),
            $"--content-noise must be >= 0 (0 = off; got {ContentNoise})");
        Need(!string.IsNullOrWhiteSpace(OutDir), "an output folder is needed");
        return this;
    }

    public string ToJson() => JsonSerializer.Serialize(this);
}
