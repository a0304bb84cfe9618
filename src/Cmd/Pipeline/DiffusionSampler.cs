namespace Cmd.Pipeline;

/// <summary>
/// How content frames and motion latents are drawn. Ddim: DDIM with eta 0 (appendix B.4's sampler, deterministic given
/// the noise). Ddpm: ancestral sampling with the model's learned variance over the respaced steps (the official DiT's
/// sample.py, 250 steps there); a workbench switch, since a deterministic sampler on an imperfect model averages over
/// the trajectories it cannot tell apart.
/// </summary>
public enum DiffusionSampler { Ddim, Ddpm }
