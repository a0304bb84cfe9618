using System.CommandLine;
using Cmd.Runtime;

namespace Workbench.Cli;

/// <summary>Options every command accepts.</summary>
public static class GlobalOptions
{
    public static readonly Option<string> Device = new("--device")
    {
        Description = "Device to run on: cpu, cuda or auto",
        DefaultValueFactory = _ => "auto",
        Recursive = true,
    };

    static GlobalOptions() => Device.AcceptOnlyFromAmong(Devices.Choices);

    public static TorchSharp.torch.Device ResolveDevice(ParseResult result) => Devices.Resolve(result.GetValue(Device)!);
}
