using System.Runtime.InteropServices;

namespace Cmd.Runtime;

/// <summary>
/// The instruction set of libtorch's own CPU kernels (ATen's DispatchStub: GELU, exp, softmax, attention, the
/// element-wise ops; MKL's matmuls choose theirs apart). libtorch takes AVX-512 where the CPU has it. On the AMD EPYC
/// (Zen 5) VMs of this project a process at AVX-512 falls, at random and for the rest of its life, into the "slow state"
/// of results/bench/motion-step.md: SLEEF's AVX-512 exp costs about 40 times its usual time inside GELU's and
/// attention's backward, and the small autoencoder's step takes 0.25 s instead of 0.11 (7 of 12 processes in one
/// run, session 33 there); at AVX2 none of 12 did, for 3-7% on the DiT-S/2 step while AVX-512 stays fast.
/// <see cref="Apply"/> therefore sets ATEN_CPU_CAPABILITY=avx2 on non-Intel x86-64 CPUs, in the C environment (.NET's
/// Environment.SetEnvironmentVariable does not reach getenv), before libtorch's first kernel: libtorch reads it once.
/// An ATEN_CPU_CAPABILITY the user set wins (avx512 keeps AVX-512).
/// </summary>
public static class KernelCapability
{
    public const string Variable = "ATEN_CPU_CAPABILITY";

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    static extern IntPtr GetEnv(string name);

    // std::string at::get_cpu_capability(): returned through a hidden pointer to the caller's 32-byte std::string.
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at18get_cpu_capabilityB5cxx11Ev")]
    static extern IntPtr GetCpuCapability(IntPtr result);

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
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return "libtorch's choice (not Linux x86-64)";
        if (Marshal.PtrToStringAnsi(GetEnv(Variable)) is { Length: > 0 } set) return $"{Variable}={set} (set before the start)";
        string vendor = MachineInfo.CpuVendor();
        if (vendor == "GenuineIntel") return "libtorch's choice (Intel CPU)";
        return SetEnv(Variable, "avx2", 0) == 0
            ? $"AVX2 on this {vendor} CPU ({Variable}=avx2; =avx512 keeps AVX-512)"
            : $"libtorch's choice (setenv {Variable} failed)";
    }

    /// <summary>The instruction set libtorch's kernels run at ("AVX2", "AVX512", "DEFAULT"), as libtorch reports it.</summary>
    public static string InUse()
    {
        IntPtr text = Marshal.AllocHGlobal(32);
        try
        {
            GetCpuCapability(text);
            // libstdc++'s std::string: data pointer, length, then the short-string buffer these names fit in
            long length = Marshal.ReadInt64(text, 8);
            return length is > 0 and < 16 ? Marshal.PtrToStringAnsi(Marshal.ReadIntPtr(text), (int)length) : "?";
        }
        finally { Marshal.FreeHGlobal(text); }
    }

    /// <summary>One line for machine tables: the instruction set in use and why.</summary>
    public static string Describe() => $"{InUse()}: {Status ?? "not applied (libtorch's choice)"}";
}
