using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Training;

/// <summary>Issue 17: the generator state is checked as libtorch's set_state would, so a bad one is our error, not an abort.</summary>
public class TorchRngStateTests
{
    static byte[] StateAfterDraws()
    {
        manual_seed(4);
        using var _ = rand(1000);
        using var s = get_rng_state();
        return s.data<byte>().ToArray();
    }

    [Fact]
    public void TheLayoutMatchesLibtorchAndRealStatesPass()
    {
        using var s = get_rng_state();
        Assert.Equal(TorchRngState.Size, s.numel());
        Assert.Null(TorchRngState.Problem(tensor(StateAfterDraws())));
        manual_seed(9); // a fresh engine: left 1, next 0
        using var fresh = get_rng_state();
        Assert.Null(TorchRngState.Problem(fresh));
        using var normal = randn(3); // leaves a cached normal sample
        using var cached = get_rng_state();
        Assert.Null(TorchRngState.Problem(cached));
    }

    [Fact]
    public void EveryFlippedBitOfLeftSeededOrNextIsRefused()
    {
        var good = StateAfterDraws();
        for (int b = 8; b < 24; b++)
            for (int bit = 0; bit < 8; bit++)
            {
                var bad = (byte[])good.Clone();
                bad[b] ^= (byte)(1 << bit);
                Assert.NotNull(TorchRngState.Problem(tensor(bad)));
            }
        Assert.Contains("[5056] bytes", TorchRngState.Problem(tensor(good[..100]))!);
        Assert.Contains("uint8", TorchRngState.Problem(tensor(good).to(ScalarType.Int32))!);
    }
}
