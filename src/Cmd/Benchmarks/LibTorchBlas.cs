using System.Runtime.InteropServices;
using Cmd.Runtime;

namespace Cmd.Benchmarks;

/// <summary>
/// The BLAS behind libtorch's fp32 matmuls here: the official x86-64 libtorch links oneMKL statically into libtorch_cpu,
/// and MKL picks a code path per CPU at run time. <see cref="Describe"/> asks MKL itself: its version and the code path
/// it takes (mkl_cbwr_get_auto_branch: e.g. AVX512_E1; "generic" where MKL does not identify the CPU as Intel and
/// <see cref="MklDispatch"/> is off), with what <see cref="MklDispatch"/> did.
/// </summary>
public static class LibTorchBlas
{
    [StructLayout(LayoutKind.Sequential)]
    struct MklVersion
    {
        public int Major, Minor, Update;
        public IntPtr ProductStatus, Build, Processor, Platform;
    }

    [DllImport("libtorch_cpu", EntryPoint = "mkl_serv_get_version")]
    static extern void GetVersion(ref MklVersion version);

    [DllImport("libtorch_cpu", EntryPoint = "mkl_serv_cbwr_get_auto_branch")]
    static extern int AutoBranch();

    /// <summary>mkl_cbwr.h's MKL_CBWR_* branch codes.</summary>
    static string BranchName(int code) => code switch
    {
        2 => "generic (MKL does not identify this CPU as Intel)", 3 => "COMPATIBLE", 4 => "SSE2", 6 => "SSSE3", 7 => "SSE4_1",
        8 => "SSE4_2", 9 => "AVX", 10 => "AVX2", 11 => "AVX512_MIC", 12 => "AVX512", 13 => "AVX512_MIC_E1", 14 => "AVX512_E1",
        _ => $"branch {code}",
    };

    public static string Describe()
    {
        try
        {
            var v = new MklVersion();
            GetVersion(ref v);
            return $"oneMKL {v.Major}.{v.Minor}.{v.Update} (in libtorch_cpu), code path {BranchName(AutoBranch())}; vendor check bypass: {MklDispatch.Status ?? "not applied"}";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "not oneMKL (libtorch_cpu exports no mkl_serv_get_version)";
        }
    }
}
