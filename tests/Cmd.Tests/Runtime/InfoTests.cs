using Cmd.Runtime;
using static TorchSharp.torch;

namespace Cmd.Tests.Runtime;

public class InfoTests
{
    [Fact]
    public void LibTorchLoadsAndMatmulIsExact()
    {
        var info = WorkbenchInfo.Collect();
        Assert.StartsWith("2.", info.LibTorchVersion);
        Assert.Equal(WorkbenchInfo.ExpectedMatmulSum(256), info.MatmulSum, 6);
    }

    [Fact]
    public void SmokeTrainingLowersTheLoss()
    {
        var r = SmokeTraining.Run(CPU, steps: 30);
        Assert.True(r.LastLoss < 0.5 * r.FirstLoss, $"loss {r.FirstLoss} -> {r.LastLoss}");
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("auto")]
    public void DeviceChoicesResolveOnCpuMachines(string choice)
    {
        if (cuda.is_available()) return;
        Assert.Equal(TorchSharp.DeviceType.CPU, Devices.Resolve(choice).type);
    }

    [Fact]
    public void UnknownOrUnavailableDeviceIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => Devices.Resolve("tpu"));
        Assert.Contains("tpu", e.Message);
        if (!cuda.is_available()) Assert.Contains("CUDA is not available", Assert.Throws<ArgumentException>(() => Devices.Resolve("cuda")).Message);
    }
}
