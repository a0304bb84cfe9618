using System.Diagnostics;

namespace Workbench.Notebooks;

/// <summary>
/// Runs each notebook in a child process of its own with a time limit: two copies of libtorch in one process
/// crash it, and a hung cell must not hang the caller. The child's output passes through unchanged.
/// </summary>
public static class NotebookProcess
{
    /// <summary>Runs <paramref name="fileName"/> <paramref name="arguments"/>; returns its exit code, or throws on timeout (after killing it).</summary>
    public static int Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string what,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName) { UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
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

    /// <summary>The variable naming the file where a notebook child writes the cell it is running.</summary>
    public const string StatusVariable = "WORKBENCH_NOTEBOOK_STATUS";

    /// <summary>Records, for the parent, which cell the child is running (no-op unless <see cref="StatusVariable"/> is set).</summary>
    public static void ReportCell(string label)
    {
        if (Environment.GetEnvironmentVariable(StatusVariable) is { Length: > 0 } path)
            try { File.WriteAllText(path, label); } catch (IOException) { }
    }

    /// <summary>
    /// Why a notebook child ended with <paramref name="exitCode"/> when it did not report an error itself (exit code 1 is the
    /// CLI's own error, already printed): a cell that called Environment.Exit, or a crash (128 + signal), with the cell it was in.
    /// </summary>
    public static string? Explain(int exitCode, string? statusFile)
    {
        if (exitCode is 0 or 1 or < 0) return null; // < 0: timed out, already said
        string? cell = statusFile is not null && File.Exists(statusFile) ? File.ReadAllText(statusFile).Trim() : null;
        string where = cell is { Length: > 0 } ? $" while running {cell}" : " before its first cell";
        string cause = exitCode > 128 && exitCode < 160
            ? $"was killed by signal {exitCode - 128}{(exitCode - 128 == 6 ? " (SIGABRT: a native abort)" : exitCode - 128 == 9 ? " (SIGKILL: out of memory?)" : "")}"
            : $"exited with code {exitCode} (a cell called Environment.Exit({exitCode}), or the process ended itself)";
        return $"the notebook's process {cause}{where}";
    }

    /// <summary>The command line that starts this same program again (apphost, or `dotnet program.dll`).</summary>
    public static (string FileName, string[] Prefix) Self()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path");
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(path) == "dotnet" && entry is not null ? (path, [entry]) : (path, []);
    }
}
