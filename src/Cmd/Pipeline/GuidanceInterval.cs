using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>
/// Workbench sampling switch, not the paper's: classifier-free guidance applied only at timesteps Low &lt; t &lt;= High
/// (of the 1000 training steps), the conditional prediction alone elsewhere (Kynkäänniemi et al. 2024, "Applying
/// guidance in a limited interval improves sample and distribution quality"): guidance at high noise narrows what is
/// drawn, at low noise it does little. <see cref="Always"/> is the paper's guidance at every step.
/// </summary>
public sealed record GuidanceInterval(int Low, int High)
{
    public static readonly GuidanceInterval Always = new(-1, 999);

    /// <summary>The scale at the (original) timesteps <paramref name="t"/> of a batch that shares one step.</summary>
    public double ScaleAt(Tensor t, double cfgScale)
    {
        if (this == Always) return cfgScale;
        long step = t[0].item<long>();
        return step > Low && step <= High ? cfgScale : 1.0;
    }

    /// <summary>Checks the bounds: -1 &lt;= Low &lt; High &lt;= 999.</summary>
    public GuidanceInterval Validate() => Low >= -1 && Low < High && High <= 999 ? this
        : throw new ArgumentException($"the guidance interval must satisfy -1 <= low < high <= 999 (got {Low} {High})");

    public override string ToString() => this == Always ? "every step" : Low < 0 ? $"t <= {High}" : $"{Low} < t <= {High}";
}
