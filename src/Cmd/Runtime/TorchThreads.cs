using static TorchSharp.torch;

namespace Cmd.Runtime;

/// <summary>
/// libtorch's intra-op thread count, changed only when it changes. at::set_num_threads does more than set the count: it
/// also fixes oneMKL's thread count for the calling thread, turns MKL's dynamic adjustment off and sizes libtorch's
/// pthreadpool (ATen/ParallelOpenMP.cpp). Called with the count libtorch already uses (2 on 2 cores), it made the small
/// motion DiT's training step 0.67-0.70 s against 0.55-0.61 s left alone, in four interleaved pairs of processes
/// (results/bench/motion-step.md), so a count already in use is kept.
/// </summary>
public static class TorchThreads
{
    /// <summary>Uses <paramref name="threads"/> intra-op threads; <paramref name="always"/> calls at::set_num_threads
    /// even when the count is already that (what `bench motion --set-threads` measures).</summary>
    public static void Use(int threads, bool always = false)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1");
        if (always || get_num_threads() != threads) set_num_threads(threads);
    }
}
