using System.Diagnostics;
using System.Reflection;
using static TorchSharp.torch;

namespace Cmd.Runtime;

/// <summary>Versions and capabilities of this build, and a matmul that proves libtorch works.</summary>
public sealed record WorkbenchInfo(
    string WorkbenchVersion, string TorchSharpVersion, string LibTorchVersion, string Backend,
    int Threads, bool CudaAvailable, int CudaDevices, double MatmulSum, double MatmulMilliseconds)
{
    public static WorkbenchInfo Collect(int matmulSize = 256)
    {
        var torchSharp = typeof(TorchSharp.torch).Assembly;
        var (sum, ms) = Matmul(matmulSize);
        return new WorkbenchInfo(
            typeof(WorkbenchInfo).Assembly.GetName().Version?.ToString(3) ?? "?",
            torchSharp.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                ?? torchSharp.GetName().Version?.ToString() ?? "?",
            __version__,
            cuda.is_available() ? "cuda" : "cpu",
            get_num_threads(),
            cuda.is_available(),
            cuda.is_available() ? cuda.device_count() : 0,
            sum, ms);
    }

    /// <summary>Multiplies two deterministic n x n float64 matrices; the sum of the product is known in closed form.</summary>
    static (double Sum, double Milliseconds) Matmul(int n)
    {
        using var scope = NewDisposeScope();
        var a = arange(n, dtype: float64).unsqueeze(1).expand(n, n) / n; // a[i, j] = i / n
        var b = ones(n, n, dtype: float64);
        var watch = Stopwatch.StartNew();
        var c = a.matmul(b);
        double sum = c.sum().item<double>();
        return (sum, watch.Elapsed.TotalMilliseconds);
    }

    /// <summary>The matmul's expected sum: sum_i sum_j sum_k (i/n) = n * n * (n-1)/2.</summary>
    public static double ExpectedMatmulSum(int n) => (double)n * n * (n - 1) / 2;

    public IEnumerable<(string Key, string Value)> Rows()
    {
        yield return ("workbench", WorkbenchVersion);
        yield return ("TorchSharp", TorchSharpVersion);
        yield return ("libtorch", LibTorchVersion);
        yield return ("backend", Backend);
        yield return ("threads", Threads.ToString());
        yield return ("cuda available", CudaAvailable ? $"yes ({CudaDevices} devices)" : "no");
        yield return ("matmul check", $"sum = {MatmulSum:F1} (expected {ExpectedMatmulSum(256):F1}), {MatmulMilliseconds:F1} ms");
        yield return ("conv gradients", ConvolutionCheck.Status ?? "not checked in this process");
        yield return ("fp32 matmul", MatmulPrecision.Name(MatmulPrecision.Current) +
            (MatmulPrecision.Bf16Unavailable() is string why ? $" (bf16: {why})"
                : $" (--fp32-matmul bf16 available: {MatmulPrecision.CpuBf16})"));
    }
}
