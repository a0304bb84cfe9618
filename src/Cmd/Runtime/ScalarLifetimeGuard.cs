using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Cmd.Runtime;

/// <summary>
/// TorchSharp 0.107 makes a temporary <c>Scalar</c> for every tensor operator with a number in it (the alpha 1 of each
/// <c>a + b</c>, the 0.5 of <c>x * 0.5</c>) and frees it only in its finalizer. Optimised JIT code stops reporting the
/// Scalar as live once its handle is read, so a GC that another thread starts during the native call can finalize it
/// while libtorch reads it: "Expected false to be true ... toFloat at c10/core/Scalar.h" (a Scalar whose tag is
/// garbage), or worse (dotnet/TorchSharp#1434, open). It killed a Table 4b cell after training and most starts of a
/// Table 4c cell. Unoptimised JIT code (DOTNET_JITMinOpts=1) reports every local as live to the end of its method, which
/// keeps each Scalar alive through its call: a stress loop of tensor adds with GCs forced from a second thread failed
/// after about 14,000 adds without it and ran 4.2 million with it. It costs nothing measurable here (the work is in
/// libtorch): the DiT-S/2 step, encoding 512 clips and FVD scoring took the same time within run-to-run noise.
/// The variable must be set before the runtime starts: the Makefile, the Jupyter kernel and the Slurm scripts set it,
/// and the CLI starts itself again with it when it is missing (<see cref="Relaunch"/>). CMD_SCALAR_GUARD=0 opts out.
/// </summary>
public static class ScalarLifetimeGuard
{
    public const string Variable = "DOTNET_JITMinOpts", OptOutVariable = "CMD_SCALAR_GUARD";

    /// <summary>True when this process's JIT keeps TorchSharp's temporary Scalars alive.</summary>
    public static bool Active => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>What `workbench info` prints about it.</summary>
    public static string Describe() => Active
        ? $"{Variable}=1: unoptimised managed code keeps TorchSharp's temporary Scalars alive (dotnet/TorchSharp#1434)"
        : $"off ({Variable} is not 1): a GC during a tensor operator can free its Scalar (dotnet/TorchSharp#1434)";

    /// <summary>Whether the CLI should start itself again with the guard (not when active, opted out or not on Linux).</summary>
    public static bool ShouldRelaunch() =>
        !Active && Environment.GetEnvironmentVariable(OptOutVariable) != "0" && OperatingSystem.IsLinux() && Environment.ProcessPath is not null;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    /// <summary>
    /// Runs this program again with <see cref="Variable"/>=1 and the same arguments, standard streams and folder, and
    /// returns its exit code. SIGTERM, SIGINT and SIGQUIT sent to this process are passed on to the child.
    /// </summary>
    public static int Relaunch(IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        var host = Path.GetFileNameWithoutExtension(Environment.ProcessPath!);
        if (host == "dotnet") info.ArgumentList.Add(Environment.GetCommandLineArgs()[0]); // `dotnet workbench.dll ...`
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment[Variable] = "1";
        using var child = Process.Start(info) ?? throw new InvalidOperationException($"could not start {Environment.ProcessPath} again");
        var forwarded = new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT }.Select(s =>
            PosixSignalRegistration.Create(s, ctx =>
            {
                ctx.Cancel = true; // this process waits for the child, which gets the signal and decides
                Kill(child.Id, ctx.Signal switch { PosixSignal.SIGTERM => 15, PosixSignal.SIGINT => 2, _ => 3 });
            })).ToList();
        try
        {
            child.WaitForExit();
            return child.ExitCode;
        }
        finally { forwarded.ForEach(r => r.Dispose()); }
    }
}
