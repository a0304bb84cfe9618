using System.Runtime.InteropServices;

namespace Cmd.Runtime;

/// <summary>
/// glibc's allocator hands large freed blocks (a training step's activations) back to the kernel and maps them again on the
/// next step, page fault by page fault. <see cref="KeepFreedMemory"/> sets what MALLOC_MMAP_MAX_=0 and
/// MALLOC_TRIM_THRESHOLD_=1e11 set (the Makefile exports them), from inside the process, so any way of starting the
/// workbench gets it: ~9% on the small autoencoder step here, 2.3x on a multi-GB step (../shared/ENVIRONMENT.md).
/// The price: the heap keeps its high-water mark, and with very large blocks it can hold about twice the live peak
/// (a cubic video DiT forward at 16 videos: 2.1 instead of 1.1 GB). CMD_KEEP_FREED_MEMORY=0, or either MALLOC_ variable
/// set by the user, leaves glibc as it is.
/// </summary>
public static class NativeMemory
{
    public const string OptOutVariable = "CMD_KEEP_FREED_MEMORY";
    const int MTrimThreshold = -1, MMmapMax = -4;

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int MallOpt(int param, int value);

    /// <summary>True when glibc took both settings (false when opted out, already set by the environment, or not glibc).</summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(OptOutVariable) == "0") return false;
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_MAX_") is not null || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null)
            return false;
        try { return MallOpt(MMmapMax, 0) == 1 & MallOpt(MTrimThreshold, int.MaxValue) == 1; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }
}
