using Cmd.Runtime;
using static TorchSharp.torch;

namespace Cmd.Tests.Runtime;

public class SmokeTrainingTests
{
    [Fact]
    public void SmokeTrainingLowersTheLoss()
    {
        var r = SmokeTraining.Run(CPU, steps: 30);
        Assert.True(r.LastLoss < 0.5 * r.FirstLoss, $"loss {r.FirstLoss} -> {r.LastLoss}");
    }
}
