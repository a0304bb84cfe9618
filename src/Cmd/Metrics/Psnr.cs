using static TorchSharp.torch;

namespace Cmd.Metrics;

/// <summary>
/// Peak signal-to-noise ratio 10 log10(R^2 / MSE). Videos of the workbench are in [-1, 1], so the default
/// data range R is 2 (the same number as PSNR of the [0, 1] images with R = 1). Identical inputs give +inf.
/// </summary>
public static class Psnr
{
    public const double DefaultDataRange = 2.0;

    /// <summary>PSNR of the whole tensors (one MSE over every element).</summary>
    public static double Compute(Tensor a, Tensor b, double dataRange = DefaultDataRange)
    {
        CheckShapes(a, b);
        using var scope = NewDisposeScope();
        double mse = (a.to(float64) - b.to(float64)).square().mean().item<double>();
        return FromMse(mse, dataRange);
    }

    /// <summary>PSNR of every item along the first axis (e.g. per clip of [B, L, C, H, W], one MSE per clip): double[B].</summary>
    public static double[] PerItem(Tensor a, Tensor b, double dataRange = DefaultDataRange)
    {
        CheckShapes(a, b);
        using var scope = NewDisposeScope();
        var mse = (a.to(float64) - b.to(float64)).square().reshape(a.shape[0], -1).mean([1]);
        return mse.data<double>().Select(m => FromMse(m, dataRange)).ToArray();
    }

    public static double FromMse(double mse, double dataRange = DefaultDataRange) =>
        mse <= 0 ? double.PositiveInfinity : 10 * Math.Log10(dataRange * dataRange / mse);

    internal static void CheckShapes(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape))
            throw new ArgumentException($"shapes differ: [{string.Join(", ", a.shape)}] vs [{string.Join(", ", b.shape)}]");
        if (a.numel() == 0) throw new ArgumentException("empty tensors");
    }
}
