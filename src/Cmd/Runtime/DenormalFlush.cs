using System.Runtime.InteropServices;

namespace Cmd.Runtime;

/// <summary>
/// The calling thread's x86 MXCSR bits that flush denormal floats to zero (FTZ: results; DAZ: inputs), as PyTorch's
/// torch.set_flush_denormal sets them. The workbench does not set them: `workbench bench denormals` measured that
/// libtorch 2.10's vector exp is 27x slower when its result underflows than otherwise, with or without them (in
/// Debian's PyTorch 1.13 the bits remove its 4x), so they are a tool to measure with, not a speed-up here.
/// </summary>
public static class DenormalFlush
{
    /// <summary>MXCSR: flush-to-zero (results) and denormals-are-zero (inputs).</summary>
    public const uint FlushToZero = 0x8000, DenormalsAreZero = 0x0040;

    // glibc's femode_t on x86-64: x87 control word, reserved, MXCSR.
    [StructLayout(LayoutKind.Sequential)]
    struct FeMode { public ushort ControlWord; public ushort Reserved; public uint Mxcsr; }

    [DllImport("libm.so.6", EntryPoint = "fegetmode")]
    static extern int FeGetMode(out FeMode mode);

    [DllImport("libm.so.6", EntryPoint = "fesetmode")]
    static extern int FeSetMode(in FeMode mode);

    static bool Supported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>Sets (or clears) FTZ and DAZ in the calling thread's MXCSR; false where that is not possible.</summary>
    public static bool SetOnThisThread(bool flush)
    {
        if (!Supported || FeGetMode(out var mode) != 0) return false;
        const uint bits = FlushToZero | DenormalsAreZero;
        mode.Mxcsr = flush ? mode.Mxcsr | bits : mode.Mxcsr & ~bits;
        return FeSetMode(in mode) == 0;
    }

    /// <summary>Whether the calling thread flushes denormals (both bits set).</summary>
    public static bool OnThisThread => Supported && FeGetMode(out var mode) == 0
        && (mode.Mxcsr & (FlushToZero | DenormalsAreZero)) == (FlushToZero | DenormalsAreZero);
}
