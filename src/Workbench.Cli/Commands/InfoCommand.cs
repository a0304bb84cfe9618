using System.CommandLine;
using Cmd.Runtime;

namespace Workbench.Cli.Commands;

/// <summary>`workbench info`: versions, backend, threads, CUDA, and a matmul proving libtorch loads.</summary>
public sealed class InfoCommand : ICommandGroup
{
    public Command Build()
    {
        var command = new Command("info", "Print workbench, TorchSharp and libtorch versions, backend, threads and CUDA availability, and run a matmul");
        command.SetAction(result =>
        {
            var device = GlobalOptions.ResolveDevice(result);
            foreach (var (key, value) in WorkbenchInfo.Collect().Rows()) Console.WriteLine($"{key,-16} {value}");
            Console.WriteLine($"{"device",-16} {device.type}");
            Console.WriteLine($"{"cpu",-16} {MachineInfo.Describe()} ({MachineInfo.CpuVendor()})");
            Console.WriteLine($"{"blas",-16} {Cmd.Benchmarks.LibTorchBlas.Describe()}");
            Console.WriteLine($"{"kernels",-16} {Cmd.Runtime.KernelCapability.Describe()}");
            Console.WriteLine($"{"scalar guard",-16} {ScalarLifetimeGuard.Describe()}");
            return 0;
        });
        return command;
    }
}
