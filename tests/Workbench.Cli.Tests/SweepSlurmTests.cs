using System.Diagnostics;
using Cmd.Data;
using Xunit.Abstractions;

namespace Workbench.Cli.Tests;

/// <summary>
/// The Slurm backend against a real Slurm: build/slurm-cluster.sh starts a single-node cluster (Debian's slurmctld,
/// slurmd, munge; installed when missing) in a fresh state folder, the tiny study runs as a job array to completion,
/// the chained collect job writes the page, and the script stops the daemons by PID.
/// </summary>
public class SweepSlurmTests(ITestOutputHelper output)
{
    [Fact]
    public void TinyStudyRunsAsAJobArrayOnARealSlurmAndTheChainedJobCollectsItAndCancelStopsJobs()
    {
        var clock = Stopwatch.StartNew();
        var dir = Cmd.Tests.Fixtures.TempDir("sweep-slurm");
        var state = Path.Combine(dir, "slurm");
        var script = Path.Combine(RepoData.Root, "build", "slurm-cluster.sh");
        var study = Path.Combine(RepoData.Root, "studies", "sweep-tiny.json");
        var start = Bash(script, "start", state);
        Assert.True(start.ExitCode == 0, start.Output);
        try
        {
            var env = new Dictionary<string, string> { ["SLURM_CONF"] = Path.Combine(state, "slurm.conf") };
            string[] where = ["--results", Path.Combine(dir, "results"), "--runs", Path.Combine(dir, "runs")];
            var run = CliRunner.Run(CliRunner.HangGuard, env, ["sweep", "run", study, "--backend", "slurm", .. where]);
            Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
            Assert.Matches(@"submitted array job \d+: 6 cells \(0,1,2,3,4,5\) of 6", run.StdOut);
            Assert.Matches(@"submitted collect job \d+ \(after array job \d+ succeeds\)", run.StdOut);
            var sbatch = File.ReadAllText(Directory.GetFiles(Path.Combine(dir, "runs", "slurm", "sweep-tiny"), "cells-*.sbatch").Single());
            Assert.Contains("#SBATCH --array=0,1,2,3,4,5", sbatch);
            Assert.Contains("#SBATCH --cpus-per-task=1", sbatch);
            Assert.Contains("#SBATCH --time=00:10:00", sbatch);

            CliRunner.Result status;
            var deadline = DateTime.UtcNow.AddMinutes(60); // a hang guard: the loop ends when the collect job has ended
            do
            {
                Thread.Sleep(1000);
                status = CliRunner.Run(CliRunner.HangGuard, env, ["sweep", "status", study, .. where]);
            } while (!status.StdOut.Contains("collect job") || !System.Text.RegularExpressions.Regex.IsMatch(status.StdOut, @"collect job \d+: (COMPLETED|FAILED|CANCELLED|TIMEOUT)")
                     && DateTime.UtcNow < deadline);
            output.WriteLine(status.StdOut);
            Assert.Matches(@"collect job \d+: COMPLETED", status.StdOut);
            Assert.Contains("6 cells: 6 done", status.StdOut);
            Assert.Equal(6, System.Text.RegularExpressions.Regex.Matches(status.StdOut, @"slurm \d+_\d COMPLETED").Count);

            var readme = File.ReadAllText(Path.Combine(dir, "results", "README.md"));
            Assert.Contains("All 6 cells are done.", readme);
            Assert.Contains("D=4 < D=2 in ", readme);
            Assert.Equal(7, File.ReadAllLines(Path.Combine(dir, "results", "cells.csv")).Length);
            var collect = CliRunner.Run(CliRunner.HangGuard, env, ["sweep", "collect", study, .. where]);
            Assert.True(collect.ExitCode == 0, collect.StdErr);
            Assert.Contains("(6 of 6 cells done)", collect.StdOut);

            // A long study (another name: --set) is cancelled with scancel: its tasks and the collect job end CANCELLED.
            string[] slow = ["sweep", "run", study, "--backend", "slurm", "--set", "steps.autoencoder=1000000", "--seeds", "0", .. where];
            var submitted = CliRunner.Run(CliRunner.HangGuard, env, slow);
            Assert.True(submitted.ExitCode == 0, submitted.StdOut + submitted.StdErr);
            string[] slowStatus = ["sweep", "status", study, "--set", "steps.autoencoder=1000000", "--seeds", "0", .. where];
            var cancel = CliRunner.Run(CliRunner.HangGuard, env, ["sweep", "cancel", .. slowStatus[2..]]);
            Assert.True(cancel.ExitCode == 0, cancel.StdOut + cancel.StdErr);
            Assert.Matches(@"^scancel \d+ \d+", cancel.StdOut);
            deadline = DateTime.UtcNow.AddMinutes(20); // the loop ends as soon as Slurm shows the cancellations
            do
            {
                Thread.Sleep(1000);
                status = CliRunner.Run(CliRunner.HangGuard, env, slowStatus);
            } while (System.Text.RegularExpressions.Regex.Matches(status.StdOut, "CANCELLED").Count < 3 && DateTime.UtcNow < deadline);
            output.WriteLine(status.StdOut);
            Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(status.StdOut, @"slurm \d+_\d CANCELLED").Count);
            Assert.Matches(@"collect job \d+: CANCELLED", status.StdOut);
            Assert.DoesNotContain(" done ", status.StdOut);
        }
        finally
        {
            var stop = Bash(script, "stop", state);
            output.WriteLine($"slurm test: {clock.Elapsed.TotalSeconds:F1} s (cluster start, 6-task array, collect, stop); stop: {stop.Output}");
        }
        Assert.False(File.Exists(Path.Combine(state, "daemons.pid")));
    }

    static (int ExitCode, string Output) Bash(params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(entireProcessTree: true); return (-1, "timeout"); }
        return (p.ExitCode, o.Result + e.Result);
    }
}
