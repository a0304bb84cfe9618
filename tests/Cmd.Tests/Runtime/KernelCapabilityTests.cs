using System.Runtime.InteropServices;
using Cmd.Runtime;

namespace Cmd.Tests.Runtime;

/// <summary>libtorch's kernels at AVX2 on non-Intel x86-64 CPUs (the suite applies it first, as the CLI does).</summary>
public class KernelCapabilityTests
{
    static bool Linux64 => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    static bool CpuHas(string flag) =>
        File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(' ').Contains(flag);

    [Fact]
    public void LibTorchRunsItsKernelsAtTheInstructionSetApplyChose()
    {
        if (!Linux64) return; // ATEN_CPU_CAPABILITY is read on x86-64 only
        string status = KernelCapability.Apply();
        string inUse = KernelCapability.InUse();
        Assert.Contains(inUse, new[] { "DEFAULT", "AVX2", "AVX512" });
        bool userSet = status.Contains("set before the start", StringComparison.Ordinal);
        if (!userSet && MachineInfo.CpuVendor() != "GenuineIntel" && CpuHas("avx2"))
            Assert.Equal("AVX2", inUse); // the AVX-512 slow state avoided
        if (!userSet && MachineInfo.CpuVendor() == "GenuineIntel" && CpuHas("avx512vl") && CpuHas("avx512bw"))
            Assert.Equal("AVX512", inUse); // libtorch's own choice kept on Intel
        Assert.StartsWith(inUse + ": ", KernelCapability.Describe());
    }

    [Fact]
    public void ApplyIsIdempotent() => Assert.Same(KernelCapability.Apply(), KernelCapability.Apply());
}
