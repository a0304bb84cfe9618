using static TorchSharp.torch;

namespace Cmd.Diffusion;

/// <summary>Gaussian helpers of the variational bound (DiT `diffusion_utils.py`).</summary>
public static class DiffusionMath
{
    /// <summary>Mean over all non-batch dimensions.</summary>
    public static Tensor MeanFlat(Tensor x) => x.flatten(1).mean([1]);

    /// <summary>Mean over all non-batch dimensions of the elements where <paramref name="keep"/> (0/1, broadcast to
    /// x) is 1; <see cref="MeanFlat"/> without one.</summary>
    public static Tensor MeanFlat(Tensor x, Tensor? keep) => keep is null ? MeanFlat(x)
        : (x * keep).flatten(1).sum([1]) / keep.expand_as(x).flatten(1).sum([1]);

    /// <summary>KL(N(mean1, e^logvar1) || N(mean2, e^logvar2)), elementwise.</summary>
    public static Tensor NormalKl(Tensor mean1, Tensor logvar1, Tensor mean2, Tensor logvar2) =>
        0.5 * (-1.0 + logvar2 - logvar1 + exp(logvar1 - logvar2) + (mean1 - mean2).pow(2) * exp(-logvar2));

    /// <summary>A fast approximation of the standard normal CDF.</summary>
    public static Tensor ApproxStandardNormalCdf(Tensor x) =>
        0.5 * (1.0 + tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * pow(x, 3))));

    /// <summary>Log-likelihood of a Gaussian discretised to 8-bit bins of data in [-1, 1] (in nats).</summary>
    public static Tensor DiscretizedGaussianLogLikelihood(Tensor x, Tensor means, Tensor logScales)
    {
        var centered = x - means;
        var invStdv = exp(-logScales);
        var cdfPlus = ApproxStandardNormalCdf(invStdv * (centered + 1.0 / 255.0));
        var cdfMin = ApproxStandardNormalCdf(invStdv * (centered - 1.0 / 255.0));
        var logCdfPlus = log(cdfPlus.clamp(min: 1e-12));
        var logOneMinusCdfMin = log((1.0 - cdfMin).clamp(min: 1e-12));
        var cdfDelta = cdfPlus - cdfMin;
        return where(x < -0.999, logCdfPlus, where(x > 0.999, logOneMinusCdfMin, log(cdfDelta.clamp(min: 1e-12))));
    }
}
