using System.Runtime.CompilerServices;

namespace Cmd.Tests;

static class TestRuntime
{
    /// <summary>The suite runs libtorch as the CLI and the notebooks do: oneDNN's convolutions off where their gradients
    /// are wrong on this CPU (Cmd.Runtime.ConvolutionCheck).</summary>
    [ModuleInitializer]
    internal static void Init() => Cmd.Runtime.ConvolutionCheck.Apply();
}
