using Cmd.Data;
using Cmd.Metrics.Fvd;
using static TorchSharp.torch;

namespace Cmd.Tests.Metrics.Fvd;

/// <summary>Clips shared by the FVD tests.</summary>
public static class FvdFixtures
{
    /// <summary>n tiny Moving MNIST test-split clips [n, 8, 1, 32, 32] in [-1, 1].</summary>
    public static Tensor TinyClips(int n, long seed) =>
        cat(FrechetVideoDistance.Batches(new MovingMnist(MovingMnistConfig.Tiny with { Split = MnistSplit.Test }, n, seed), n, 8).ToList(), 0);
}
