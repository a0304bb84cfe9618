using System.Diagnostics;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Workbench.Notebooks.Tests;

/// <summary>Runs the built `workbench` CLI (beside the tests) and other programs as child processes.</summary>
public static class Run
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public static Result Program(string file, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        using var p = System.Diagnostics.Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} took longer than {timeout}");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Workbench(params string[] args) =>
        Program("dotnet", [Path.Combine(AppContext.BaseDirectory, "workbench.dll"), .. args], TimeSpan.FromMinutes(10));

    /// <summary>Debian's python (with python3-nbformat), not a pyenv one first on PATH.</summary>
    public static Result Python(string script, params string[] args) =>
        Program("/usr/bin/python3", ["-c", script, .. args], TimeSpan.FromMinutes(2));

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Notebooks", name);

    /// <summary>A fresh temporary folder with a copy of the fixture notebook in it.</summary>
    public static (string Dir, string Notebook) Copy(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "wb-nb-tests", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var nb = Path.Combine(dir, name);
        File.Copy(Fixture(name), nb);
        return (dir, nb);
    }
}
