using System.Diagnostics;

namespace Workbench.Notebooks;

/// <summary>
/// Runs each notebook in a child process of its own with a time limit: two copies of libtorch in one process
/// crash it, and a hung cell must not hang the caller. The child's output passes through unchanged.
/// </summary>
public static class NotebookProcess
{
    /// <summary>Runs <paramref name="fileName"/> <paramref name="arguments"/>; returns its exit code, or throws on timeout (after killing it).</summary>
    public static int Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string what)
    {
        var info = new ProcessStartInfo(fileName) { UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{what} did not finish within {timeout.TotalSeconds:F0} s and was stopped (outputs of the cells that finished are kept)");
        }
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>The command line that starts this same program again (apphost, or `dotnet program.dll`).</summary>
    public static (string FileName, string[] Prefix) Self()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path");
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(path) == "dotnet" && entry is not null ? (path, [entry]) : (path, []);
    }
}
