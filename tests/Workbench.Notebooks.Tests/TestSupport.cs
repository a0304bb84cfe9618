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

    public static Result Program(string file, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
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

    /// <summary>Hang guard, not a speed check: 45 min is ~40x a tiny notebook's idle time, so a loaded machine never hits it.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(45);

    public static Result Workbench(params string[] args) =>
        Program("dotnet", [Path.Combine(AppContext.BaseDirectory, "workbench.dll"), .. args], HangGuard);

    /// <summary>Debian's python (with python3-nbformat), not a pyenv one first on PATH.</summary>
    public static Result Python(string script, params string[] args) =>
        Program("/usr/bin/python3", ["-c", script, .. args], TimeSpan.FromMinutes(10));

    /// <summary>Debian's Jupyter (jupyter-nbconvert), not one a pyenv shim first on PATH may offer.</summary>
    public static Result Jupyter(IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null) =>
        Program(File.Exists("/usr/bin/jupyter") ? "/usr/bin/jupyter" : "jupyter", args, timeout, environment: environment);

    /// <summary>
    /// Opens a page in Debian's headless Chromium with no network (every host name fails to resolve, any
    /// connection goes to a closed port) and returns the DOM after a virtual-time budget for scripts to run.
    /// </summary>
    public static string ChromiumDom(string html, string profileDirectory)
    {
        var result = Program("chromium",
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            $"--user-data-dir={profileDirectory}",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
            "--virtual-time-budget=15000", "--dump-dom", new Uri(html).AbsoluteUri,
        ], TimeSpan.FromMinutes(10));
        if (result.ExitCode != 0) throw new InvalidOperationException($"chromium failed ({result.ExitCode}): {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>Charts in a report (Plotly.NET's chart divs) and charts Plotly drew in the DOM.</summary>
    public static (int Charts, int Drawn) Charts(string html, string dom) =>
        (System.Text.RegularExpressions.Regex.Matches(html, "Plotly chart will be drawn inside this DIV").Count,
         System.Text.RegularExpressions.Regex.Matches(dom, "class=\"plot-container plotly\"").Count);

    /// <summary>The repository root (the folder with Workbench.sln) above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workbench.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Workbench.sln not found above " + AppContext.BaseDirectory);
    }

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
