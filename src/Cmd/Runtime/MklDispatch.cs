using System.Runtime.InteropServices;

namespace Cmd.Runtime;

/// <summary>
/// Lets libtorch's oneMKL take its fast matmul paths on non-Intel x86-64 CPUs. MKL runs a generic sgemm on CPUs it does
/// not identify as Intel (here, AMD EPYC with AVX-512: ~100 instead of ~170-200 GFLOP/s per core); it asks one function,
/// mkl_serv_intel_cpu_true, through the PLT. <see cref="Apply"/> loads libcmd_mkl_dispatch.so (build/mkl, built by gcc
/// at build time) with RTLD_GLOBAL before libtorch, so that function answers "yes" and MKL chooses its code path from
/// the CPU's feature bits, as on an Intel CPU. Results are those of MKL's AVX2/AVX-512 paths (rounding may differ from
/// the generic path in the last bits, as between any two machines). CMD_MKL_VENDOR_CHECK=keep turns it off.
/// </summary>
public static class MklDispatch
{
    public const string LibraryName = "libcmd_mkl_dispatch.so";
    public const string OptOutVariable = "CMD_MKL_VENDOR_CHECK";

    const int RtldNow = 0x2, RtldGlobal = 0x100;

    [DllImport("libc", EntryPoint = "dlopen")]
    static extern IntPtr DlOpen(string file, int flags);

    static readonly object gate = new();

    /// <summary>What <see cref="Apply"/> did, in a few words (null before it ran).</summary>
    public static string? Status { get; private set; }

    /// <summary>Call before the first TorchSharp call of the process. Idempotent; returns <see cref="Status"/>.</summary>
    public static string Apply()
    {
        lock (gate) return Status ??= TryApply();
    }

    static string TryApply()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return "not needed (not Linux x86-64)";
        string vendor = MachineInfo.CpuVendor();
        if (vendor == "GenuineIntel") return "not needed (Intel CPU)";
        if (string.Equals(Environment.GetEnvironmentVariable(OptOutVariable), "keep", StringComparison.OrdinalIgnoreCase))
            return $"off ({OptOutVariable}=keep): MKL's generic path on this {vendor} CPU";
        // beside Cmd.dll: the CLI's, the tests' or a notebook kernel's build output (the kernel's own folder is elsewhere)
        string path = Path.Combine(Path.GetDirectoryName(typeof(MklDispatch).Assembly.Location) is { Length: > 0 } d ? d : AppContext.BaseDirectory, LibraryName);
        if (!File.Exists(path)) return $"not built ({LibraryName} needs gcc at build time): MKL's generic path on this {vendor} CPU";
        if (LibTorchLoaded()) return "too late (libtorch was loaded before MklDispatch.Apply): MKL's generic path";
        return DlOpen(path, RtldNow | RtldGlobal) != IntPtr.Zero
            ? $"on: MKL chooses by the CPU's features on this {vendor} CPU"
            : $"failed to load {path}: MKL's generic path";
    }

    static bool LibTorchLoaded()
    {
        try { return File.ReadLines("/proc/self/maps").Any(l => l.Contains("libtorch_cpu.so", StringComparison.Ordinal)); }
        catch (IOException) { return false; }
    }
}
