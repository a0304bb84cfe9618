using System.Globalization;
using System.Text.Json;
using Cmd.Runtime;

namespace Cmd.Benchmarks;

/// <summary>The measured rows of one training step, this side and the reference side, each with the fp32 matmul rate
/// its process reached between the timed steps (the yardstick its GFLOP/s is compared with).</summary>
public sealed record StepComparison(string Step, double StepFlops, StepTiming Workbench, StepTiming? PyTorch,
    string? Check, MatmulRate.Result WorkbenchMatmul, double? PyTorchMatmulGflops)
{
    /// <summary>Workbench over PyTorch, medians of each side's step times.</summary>
    public double? Ratio => PyTorch is null ? null : Workbench.Median / PyTorch.Median;

    /// <summary>Workbench / PyTorch round by round (the sides timed in turn), or null without a PyTorch side.</summary>
    public Interleaved.Ratio? PairedRatio => PyTorch is { } t ? Interleaved.Ratio.Of(Workbench, t) : null;

    /// <summary>Both sides start from the same weights and batch: their losses must agree step by step.</summary>
    public static string LossCheck(IReadOnlyList<double> ours, IReadOnlyList<double> theirs)
    {
        int n = Math.Min(ours.Count, theirs.Count);
        double worst = Enumerable.Range(0, n)
            .Max(i => Math.Abs(ours[i] - theirs[i]) / Math.Max(1e-12, Math.Abs(theirs[i])));
        return "twin check: same weights and batch on both sides (the twin loads ours with strict=True); the losses " +
            FormattableString.Invariant($"of the {n} timed steps agree to a relative {worst:E1} ") +
            FormattableString.Invariant($"(first: {ours[0]:G7} here, {theirs[0]:G7} in PyTorch).");
    }

    /// <summary>Null where both sides count the same parameters, else the warning.</summary>
    public static string? ParameterCheck(long ours, long theirs) => ours == theirs ? null
        : $"warning: parameter counts differ ({ours:N0} here, {theirs:N0} in PyTorch)";

    /// <summary>The PyTorch side's losses, where it reported them (for the caller's check against ours).</summary>
    public IReadOnlyList<double> PyTorchLosses { get; init; } = [];
    /// <summary>Our fp32 side's losses of the timed steps, in order.</summary>
    public IReadOnlyList<double> WorkbenchLosses { get; init; } = [];

    /// <summary>
    /// One training step's sides timed in turn (<see cref="Interleaved"/>): ours in fp32 with an fp32 matmul yardstick
    /// sampled before each of its steps, the served PyTorch twin (its own yardstick, inside its process) if given, and
    /// ours with bf16 products (<paramref name="bf16"/>: a second model of the same seed, so the fp32 side's losses stay
    /// those of an fp32 run) with a yardstick of its own. Each local side takes <paramref name="warmup"/> untimed steps
    /// first; the twin took its own when it started. Steps return their loss.
    /// </summary>
    public static (StepComparison Fp32, StepComparison? Bf16) Measure(string step, double flops, Func<double> fp32,
        ServedSteps? twin, Func<double>? bf16, int warmup, int rounds, int matmulSize)
    {
        if (rounds < 1) throw new ArgumentException($"timed steps must be >= 1 (got {rounds})");
        using var fp32Yardstick = new MatmulRate.Yardstick(matmulSize);
        using var bf16Yardstick = bf16 is null ? null : new MatmulRate.Yardstick(matmulSize);
        double Bf16() { using var products = MatmulPrecision.Use(Fp32Matmul.Bf16); return bf16!(); }
        for (int i = 0; i < warmup; i++) { fp32(); if (bf16 is not null) Bf16(); }
        var losses = new List<double>();
        var sides = new List<Interleaved.Side>
        {
            Interleaved.Side.Local("workbench", () => losses.Add(fp32()), fp32Yardstick.Sample),
        };
        if (twin is not null) sides.Add(Interleaved.Side.Served("PyTorch", twin));
        if (bf16 is not null)
            sides.Add(Interleaved.Side.Local("workbench, bf16 products", () => Bf16(), bf16Yardstick!.Sample));
        var timings = Interleaved.Run(sides, rounds);
        double? torchMatmul = twin?.End().GetProperty("matmul_gflops") is { ValueKind: JsonValueKind.Number } m
            ? m.GetDouble() : null;
        var exact = new StepComparison(step, flops, timings[0], twin is null ? null : timings[1], null,
            fp32Yardstick.Result(), torchMatmul) { WorkbenchLosses = losses, PyTorchLosses = twin?.Losses ?? [] };
        var withBf16 = bf16 is null ? null
            : new StepComparison(step, flops, timings[^1], null, null, bf16Yardstick!.Result(), null);
        return (exact, withBf16);
    }
}
