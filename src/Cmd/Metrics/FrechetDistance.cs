using MathNet.Numerics.LinearAlgebra;

namespace Cmd.Metrics;

/// <summary>How the trace of the matrix square root tr sqrt(sigma1 sigma2) is computed.</summary>
public enum TraceSqrtMethod
{
    /// <summary>
    /// Symmetric eigen-decompositions: tr sqrt(S1 S2) = sum sqrt(eig(S1^1/2 S2 S1^1/2)). The matrix inside is
    /// symmetric PSD (same spectrum as S1 S2), so it stays real and stable when the covariances are rank
    /// deficient; equals scipy.linalg.sqrtm's trace (StyleGAN-V, pytorch-fid) on well-posed inputs.
    /// </summary>
    SymmetricEigen,
    /// <summary>
    /// PVDM / NVlabs CMD eval/fvd (from TF-GAN): the same product with SVD-based square roots, where
    /// singular values below 1e-10 are kept as they are instead of square-rooted.
    /// </summary>
    PvdmSvd,
}

/// <summary>Frechet distance between two Gaussians: |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^1/2).</summary>
public static class FrechetDistance
{
    public static double Compute(GaussianStats a, GaussianStats b, TraceSqrtMethod method = TraceSqrtMethod.SymmetricEigen)
    {
        if (a.Dims != b.Dims) throw new ArgumentException($"feature dimensions differ: {a.Dims} vs {b.Dims}");
        double mean = (a.Mu - b.Mu).DotProduct(a.Mu - b.Mu);
        double trace = a.Sigma.Trace() + b.Sigma.Trace() - 2 * TraceSqrtProduct(a.Sigma, b.Sigma, method);
        return mean + trace;
    }

    public static double Compute(Matrix<double> featuresA, Matrix<double> featuresB, TraceSqrtMethod method = TraceSqrtMethod.SymmetricEigen) =>
        Compute(GaussianStats.FromFeatures(featuresA), GaussianStats.FromFeatures(featuresB), method);

    /// <summary>tr sqrt(S1 S2) for symmetric PSD S1, S2 (round-off negatives clipped to zero).</summary>
    public static double TraceSqrtProduct(Matrix<double> s1, Matrix<double> s2, TraceSqrtMethod method = TraceSqrtMethod.SymmetricEigen)
    {
        Func<Matrix<double>, Matrix<double>> sqrt = method == TraceSqrtMethod.PvdmSvd ? SvdSqrt : SymmetricSqrt;
        var r = sqrt(Symmetrize(s1));
        var inner = Symmetrize(r * s2 * r);
        if (method == TraceSqrtMethod.PvdmSvd) return SvdSqrt(inner).Trace();
        return inner.Evd(Symmetricity.Symmetric).EigenValues.Sum(e => Math.Sqrt(Math.Max(e.Real, 0)));
    }

    /// <summary>Principal square root of a symmetric PSD matrix via its eigen-decomposition.</summary>
    public static Matrix<double> SymmetricSqrt(Matrix<double> s)
    {
        var evd = s.Evd(Symmetricity.Symmetric);
        var v = evd.EigenVectors;
        var d = Vector<double>.Build.Dense(s.RowCount, i => Math.Sqrt(Math.Max(evd.EigenValues[i].Real, 0)));
        return v * Matrix<double>.Build.DiagonalOfDiagonalVector(d) * v.Transpose();
    }

    /// <summary>TF-GAN / PVDM symmetric_matrix_square_root: U diag(s &lt; eps ? s : sqrt s) V^T.</summary>
    public static Matrix<double> SvdSqrt(Matrix<double> s)
    {
        const double eps = 1e-10;
        var svd = s.Svd(computeVectors: true);
        var d = Vector<double>.Build.Dense(svd.S.Count, i => svd.S[i] < eps ? svd.S[i] : Math.Sqrt(svd.S[i]));
        return svd.U * Matrix<double>.Build.DiagonalOfDiagonalVector(d) * svd.VT;
    }

    static Matrix<double> Symmetrize(Matrix<double> m) => (m + m.Transpose()) * 0.5;
}
