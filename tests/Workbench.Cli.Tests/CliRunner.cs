using System.Diagnostics;

namespace Workbench.Cli.Tests;

/// <summary>Runs the built `workbench` CLI in its own process, as a user would.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>Runs with a hang guard (30 min), not a speed check: the slowest tiny run takes ~3 min under a load of 25.</summary>
    public static Result Run(params string[] args) => Run(HangGuard, args);

    /// <summary>How long a CLI run may take before the test calls it hung: a guard, never a speed check.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(30);

    public static Result Run(TimeSpan timeout, params string[] args) => Run(timeout, null, args);

    /// <summary>Runs with extra environment variables (e.g. SLURM_CONF).</summary>
    public static Result Run(TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Process.Start(Start(environment, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"workbench {string.Join(' ', args)} did not finish in {timeout}");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>How the CLI is started: dotnet workbench.dll with the arguments (for tests that start it themselves).</summary>
    public static ProcessStartInfo Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "workbench.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return info;
    }
}
