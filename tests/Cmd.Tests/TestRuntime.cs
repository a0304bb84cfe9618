using System.Runtime.CompilerServices;

namespace Cmd.Tests;

static class TestRuntime
{
    /// <summary>The suite runs libtorch as the CLI and the notebooks do: its kernels at AVX2 on AMD CPUs
    /// (Cmd.Runtime.KernelCapability), oneDNN's convolutions off where their gradients are wrong on this CPU
    /// (Cmd.Runtime.ConvolutionCheck).</summary>
    [ModuleInitializer]
    internal static void Init()
    {
        Cmd.Runtime.KernelCapability.Apply();
        Cmd.Runtime.ConvolutionCheck.Apply();
    }
}
