using static TorchSharp.torch;

namespace Cmd.Metrics;

/// <summary>
/// Structural similarity (Wang et al. 2004): Gaussian window of 11 taps with sigma 1.5, K1 = 0.01,
/// K2 = 0.03, population (co)variances; the mean of the SSIM map over the positions where the whole window
/// fits (what scikit-image's structural_similarity(gaussian_weights=True, sigma=1.5,
/// use_sample_covariance=False) returns after cropping its padded border), averaged over channels.
/// SSIM is not shift-invariant (the luminance term uses the means), so images are compared on [0, 1] with
/// data range 1, the usual convention: <see cref="PerClip"/> maps the workbench's [-1, 1] videos to [0, 1] first.
/// </summary>
public static class Ssim
{
    public const int WindowSize = 11;
    public const double Sigma = 1.5;
    const double K1 = 0.01, K2 = 0.03;

    /// <summary>Normalized 1D Gaussian taps exp(-x^2 / (2 sigma^2)), x = -5..5.</summary>
    public static Tensor Window1d(int size = WindowSize, double sigma = Sigma)
    {
        var x = arange(size, dtype: float64) - (size - 1) / 2.0;
        var w = (-(x * x) / (2 * sigma * sigma)).exp();
        return w / w.sum();
    }

    /// <summary>Mean SSIM of every image of [N, C, H, W] (H, W >= 11): double[N].</summary>
    public static double[] PerImage(Tensor a, Tensor b, double dataRange = 1.0)
    {
        Psnr.CheckShapes(a, b);
        if (a.dim() != 4) throw new ArgumentException($"SSIM takes images [N, C, H, W]; got [{string.Join(", ", a.shape)}]");
        if (a.shape[2] < WindowSize || a.shape[3] < WindowSize)
            throw new ArgumentException($"SSIM needs images of at least {WindowSize}x{WindowSize}; got {a.shape[2]}x{a.shape[3]}");
        using var scope = NewDisposeScope();
        long n = a.shape[0], c = a.shape[1];
        var x = a.to(float64).reshape(n * c, 1, a.shape[2], a.shape[3]);
        var y = b.to(float64).reshape(n * c, 1, a.shape[2], a.shape[3]);
        var g = Window1d().to(x.device);
        Tensor Filter(Tensor t) =>   // separable Gaussian, valid positions only
            nn.functional.conv2d(nn.functional.conv2d(t, g.view(1, 1, WindowSize, 1)), g.view(1, 1, 1, WindowSize));
        double c1 = Math.Pow(K1 * dataRange, 2), c2 = Math.Pow(K2 * dataRange, 2);
        var ux = Filter(x); var uy = Filter(y);
        var vx = Filter(x * x) - ux * ux;
        var vy = Filter(y * y) - uy * uy;
        var vxy = Filter(x * y) - ux * uy;
        var map = (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
        return map.reshape(n, c, -1).mean([1, 2]).data<double>().ToArray();
    }

    /// <summary>SSIM of two images [C, H, W] or batches [N, C, H, W] (mean over the batch).</summary>
    public static double Compute(Tensor a, Tensor b, double dataRange = 1.0) =>
        a.dim() == 3 ? PerImage(a.unsqueeze(0), b.unsqueeze(0), dataRange)[0] : PerImage(a, b, dataRange).Average();

    /// <summary>Mean SSIM over the frames of every clip of [B, L, C, H, W] with values in [-1, 1] (compared as (x + 1) / 2 on [0, 1]): double[B].</summary>
    public static double[] PerClip(Tensor a, Tensor b)
    {
        Psnr.CheckShapes(a, b);
        if (a.dim() != 5) throw new ArgumentException($"SSIM per clip takes videos [B, L, C, H, W]; got [{string.Join(", ", a.shape)}]");
        long bsz = a.shape[0], l = a.shape[1];
        using var scope = NewDisposeScope();
        var frames = PerImage(ToUnit(a).reshape(bsz * l, a.shape[2], a.shape[3], a.shape[4]), ToUnit(b).reshape(bsz * l, a.shape[2], a.shape[3], a.shape[4]));
        static Tensor ToUnit(Tensor x) => (x.to(float64) + 1) / 2;
        return Enumerable.Range(0, (int)bsz).Select(i => frames.Skip(i * (int)l).Take((int)l).Average()).ToArray();
    }
}
