using Cmd.Runtime;
using static TorchSharp.torch;

namespace Cmd.Tests.Runtime;

/// <summary>The --device choices (cpu, cuda, auto).</summary>
public class DevicesTests
{
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
