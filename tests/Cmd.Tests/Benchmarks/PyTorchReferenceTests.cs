using Cmd.Benchmarks;

namespace Cmd.Tests.Benchmarks;

/// <summary>How the PyTorch side of a benchmark is set up (not its timings).</summary>
public class PyTorchReferenceTests
{
    static HashSet<string> Flags(params string[] f) => new(f, StringComparer.Ordinal);

    [Fact]
    public void OpenBlasCoreFollowsTheCpusInstructionSets()
    {
        // the Xeon and the EPYC of ../shared/ENVIRONMENT.md: both have the AVX-512 subsets OpenBLAS's SkylakeX kernels use
        Assert.Equal("SkylakeX", PyTorchReference.OpenBlasCoreFor(Flags("avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16")));
        Assert.Equal("Haswell", PyTorchReference.OpenBlasCoreFor(Flags("avx2", "fma", "avx512f")));   // no BW/DQ/VL: not SkylakeX
        Assert.Equal("Haswell", PyTorchReference.OpenBlasCoreFor(Flags("avx", "avx2", "fma")));
        Assert.Null(PyTorchReference.OpenBlasCoreFor(Flags("sse4_2", "avx")));
    }

    [Fact]
    public void AMissingPythonIsNamedNotThrown()
    {
        var py = new PyTorchReference("/nonexistent/python3", null, null, 1);
        Assert.Equal("/nonexistent/python3 not found (apt-get install python3-torch)", py.Unavailable());
    }

    [Fact]
    public void AnOpenBlasFolderWithoutLibBlasIsRefused()
    {
        var dir = Fixtures.TempDir();
        var e = Assert.Throws<ArgumentException>(() => PyTorchReference.ForThisMachine(1, dir));
        Assert.StartsWith($"--openblas {dir}: no libblas.so.3 there", e.Message);
    }
}
