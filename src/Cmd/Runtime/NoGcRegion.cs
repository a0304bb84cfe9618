using System.Runtime;

namespace Cmd.Runtime;

/// <summary>
/// Runs a block of libtorch calls with the .NET garbage collector held off. TorchSharp 0.107 turns the 1 in `a + b`
/// (alpha) and other numbers into Scalar objects that nothing references once their native handle is passed on; a
/// collection during the native call can finalize and free the Scalar while libtorch reads it, which aborts the process
/// ("Expected false to be true ... toFloat at c10/core/Scalar.h:140", seen every few hundred autoencoder steps;
/// dotnet/TorchSharp PRs #1434 and #1496). With no collection inside a training step or sampler step, no Scalar is
/// freed early; the collector runs between steps. A block that allocates more than the budget ends the region early
/// (as without it), which <see cref="Overruns"/> counts.
/// </summary>
public static class NoGcRegion
{
    /// <summary>Managed bytes a block may allocate (TorchSharp wrappers are small; a training step allocates a few MB).</summary>
    public const long Budget = 64L * 1024 * 1024;

    static long overruns;

    /// <summary>Blocks whose allocations outgrew the budget, so the collector may have run inside them.</summary>
    public static long Overruns => Interlocked.Read(ref overruns);

    public static T Run<T>(Func<T> block)
    {
        bool held = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && TryStart();
        try { return block(); }
        finally
        {
            if (held)
            {
                if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
                else Interlocked.Increment(ref overruns);
            }
        }
    }

    public static void Run(Action block) => Run(() => { block(); return 0; });

    static bool TryStart()
    {
        try { return GC.TryStartNoGCRegion(Budget); }
        catch (InvalidOperationException) { return false; }   // another thread holds a region
    }
}
