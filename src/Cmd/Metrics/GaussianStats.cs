using Cmd.IO;
using MathNet.Numerics.LinearAlgebra;
using static TorchSharp.torch;

namespace Cmd.Metrics;

/// <summary>
/// Mean and covariance of a feature set (samples x dims), the statistics a Frechet distance compares.
/// Covariance follows numpy's <c>np.cov(x, rowvar=False)</c>: columns are variables, divisor N - 1.
/// </summary>
public sealed record GaussianStats(Vector<double> Mu, Matrix<double> Sigma, long Count)
{
    public int Dims => Mu.Count;

    public static GaussianStats FromFeatures(Matrix<double> features)
    {
        int n = features.RowCount;
        if (n < 2) throw new ArgumentException($"need at least 2 feature vectors for a covariance, got {n}");
        var mu = features.ColumnSums() / n;
        var centred = features.Clone();
        for (int i = 0; i < n; i++) centred.SetRow(i, features.Row(i) - mu);
        var sigma = centred.TransposeThisAndMultiply(centred) / (n - 1);
        return new GaussianStats(mu, sigma, n);
    }

    /// <summary>Features as a tensor of shape [samples, dims] (any float dtype, any device).</summary>
    public static GaussianStats FromFeatures(Tensor features) => FromFeatures(ToMatrix(features, "features"));

    public static Matrix<double> ToMatrix(Tensor t, string what)
    {
        if (t.dim() != 2) throw new ArgumentException($"{what} must be a 2-D matrix (samples x dims), got shape [{string.Join(", ", t.shape)}]");
        if (!t.is_floating_point()) throw new ArgumentException($"{what} must be floating point, got {t.dtype}");
        using var d = t.detach().to(ScalarType.Float64).cpu().contiguous();
        return Matrix<double>.Build.DenseOfRowMajor((int)t.shape[0], (int)t.shape[1], d.data<double>().ToArray());
    }

    /// <summary>Saves mu, sigma and the sample count (plus any metadata, e.g. protocol and detector) as safetensors.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>()) { ["count"] = Count.ToString() };
        using var mu = tensor(Mu.ToArray(), dtype: ScalarType.Float64);
        using var sigma = tensor(Sigma.ToRowMajorArray(), dtype: ScalarType.Float64).reshape(Dims, Dims);
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["mu"] = mu, ["sigma"] = sigma }, meta);
    }

    /// <summary>
    /// Loads statistics from a safetensors file holding either <c>mu</c> + <c>sigma</c> (precomputed) or a
    /// single 2-D feature matrix (samples x dims; named <c>features</c> or the only tensor in the file).
    /// </summary>
    public static GaussianStats Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        var file = SafeTensorsFile.Open(path);
        var names = file.Tensors.Select(t => t.Name).ToHashSet();
        if (names.Contains("mu") && names.Contains("sigma"))
        {
            using var muT = file.Read("mu");
            using var sigmaT = file.Read("sigma");
            if (muT.dim() != 1 || sigmaT.dim() != 2 || sigmaT.shape[0] != muT.shape[0] || sigmaT.shape[1] != muT.shape[0])
                throw new ArgumentException($"{path}: mu must be [d] and sigma [d, d], got [{string.Join(", ", muT.shape)}] and [{string.Join(", ", sigmaT.shape)}]");
            using var mu2 = muT.unsqueeze(0);
            var mu = ToMatrix(mu2, $"{path}: mu").Row(0);
            var sigma = ToMatrix(sigmaT, $"{path}: sigma");
            long count = file.Metadata.TryGetValue("count", out var c) && long.TryParse(c, out var n) ? n : 0;
            return new GaussianStats(mu, sigma, count);
        }
        string name = names.Contains("features") ? "features"
            : file.Tensors.Count == 1 ? file.Tensors[0].Name
            : throw new ArgumentException($"{path}: expected 'mu' + 'sigma', a tensor named 'features', or exactly one tensor; found {string.Join(", ", names)}");
        using var features = file.Read(name);
        try { return FromFeatures(ToMatrix(features, $"{path}: '{name}'")); }
        catch (ArgumentException e) when (!e.Message.StartsWith(path)) { throw new ArgumentException($"{path}: {e.Message}", e); }
    }
}
