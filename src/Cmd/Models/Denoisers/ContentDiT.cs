namespace Cmd.Models.Denoisers;

/// <summary>
/// The content-frame diffusion model eps_I(x̄_t, c, t) (Eq. 7): a plain class-conditional DiT over content frames. Trained from
/// scratch (the paper's UCF-101 setting) or fine-tuned from DiT weights loaded with ModuleState (same keys). Sampled with
/// DDIM 50 steps and classifier-free guidance 4.0 (appendix B.4).
/// </summary>
public static class ContentDiT
{
    public const double DefaultCfgScale = 4.0;
    public const int DefaultSamplingSteps = 50;

    /// <summary>Moving MNIST `tiny` (1x32x32 content frames, 10 classes).</summary>
    public static DiTConfig Tiny => new(InputSize: 32, PatchSize: 8, InChannels: 1, HiddenSize: 64, Depth: 2, NumHeads: 4, NumClasses: 10);

    /// <summary>Moving MNIST `small` (1x64x64 content frames, patch 8 -> 64 tokens, width 256). Patch 8, not 4: with 256
    /// tokens a batch-32 step took 5.7 s on one core here, too slow to train in an hour; 64 tokens is about 4x cheaper.</summary>
    public static DiTConfig Small => new(InputSize: 64, PatchSize: 8, InChannels: 1, HiddenSize: 256, Depth: 6, NumHeads: 4, NumClasses: 10);

    /// <summary>Table 7, UCF-101: DiT-XL/2 from scratch on 4-channel content frames of the UCF-101 autoencoder (64x64), 101 classes.</summary>
    public static DiTConfig Ucf101 => DiTConfig.Official["DiT-XL/2"] with { InputSize = 64, NumClasses = 101 };

    public static IReadOnlyList<string> PresetNames { get; } = ["tiny", "small", "ucf101"];

    public static DiTConfig Preset(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "small" => Small,
        "ucf101" => Ucf101,
        _ when DiTConfig.Official.ContainsKey(name) => DiTConfig.Official[name],
        _ => throw new ArgumentException($"unknown content DiT preset '{name}' (known: {string.Join(", ", PresetNames)}, or any DiT-*/* config)"),
    };
}
