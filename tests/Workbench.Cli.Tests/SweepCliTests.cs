using System.Diagnostics;
using Cmd.Data;
using Cmd.Studies;

namespace Workbench.Cli.Tests;

/// <summary>`workbench sweep` on the tiny study (studies/sweep-tiny.json) with the local backend: all cells, the page, resume after a kill.</summary>
public class SweepCliTests
{
    static string TinyStudy => Path.Combine(RepoData.Root, "studies", "sweep-tiny.json");

    static string[] Into(string dir, params string[] args) => [.. args, "--results", Path.Combine(dir, "results"), "--runs", Path.Combine(dir, "runs")];

    [Fact]
    public void LocalSweepRunsEveryCellTwoAtATimeWritesThePageAndNeverRunsADoneCellAgain()
    {
        var dir = Cmd.Tests.Fixtures.TempDir("sweep-local");
        var run = CliRunner.Run(Into(dir, "sweep", "run", TinyStudy, "--jobs", "2"));
        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        Assert.Contains("6 of 6 cells done (6 now)", run.StdOut);
        var readme = File.ReadAllText(Path.Combine(dir, "results", "README.md"));
        Assert.Contains("All 6 cells are done.", readme);
        Assert.Matches(@"\| D=4 \|  \| [\d,.]+ ± [\d,.]+ \(n=3\) \|", readme);
        Assert.Matches(@"D=4 < D=2 in \d of 3 seeds \| paired t-test, one-sided, n=3: t = -?[\d.]+, p = [\d.]+ \| \*\*(holds|does not hold)\*\*", readme);
        Assert.Contains("workbench sweep run", readme);
        Assert.Contains("machine: ", readme);
        var csv = File.ReadAllLines(Path.Combine(dir, "results", "cells.csv"));
        Assert.Equal(7, csv.Length);
        Assert.All(csv.Skip(1), line => Assert.Contains(",done,", line));
        Assert.True(File.Exists(Path.Combine(dir, "results", "charts.html")));
        Assert.True(new FileInfo(Path.Combine(dir, "results", "chart-paper-rows.png")).Length > 5_000); // drawn by headless Chromium

        // the page's own run command (typed from the checkout's root; here with this test's run folder): no --runs of
        // the machine that wrote it, --jobs and --threads spelled out, and the CLI takes it
        var line = readme.Split('\n').Single(l => l.StartsWith("workbench sweep run ", StringComparison.Ordinal)).Trim();
        Assert.DoesNotContain("--runs", line);
        Assert.EndsWith("--backend local --jobs 1 --threads 2", line);
        var words = line.Split(' ')[1..];
        Assert.Equal("studies/sweep-tiny.json", words[2]);
        words[2] = Path.Combine(RepoData.Root, words[2]);
        var again = CliRunner.Run([.. words, "--runs", Path.Combine(dir, "runs")]);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("6 of 6 cells done (0 now)", again.StdOut);
        var status = CliRunner.Run(Into(dir, "sweep", "status", TinyStudy));
        Assert.Contains("6 cells: 6 done", status.StdOut);
    }

    [Fact]
    public void KilledSweepResumesWithoutRunningFinishedCellsAgain()
    {
        var dir = Cmd.Tests.Fixtures.TempDir("sweep-kill");
        string[] args = Into(dir, "sweep", "run", TinyStudy, "--set", "steps.autoencoder=10", "--seeds", "0,1");
        var first = Process.Start(CliRunner.Start(null, args))!;
        var cells = Path.Combine(dir, "results", "cells");
        var deadline = DateTime.UtcNow.AddMinutes(15); // generous: a loaded machine can be very slow
        string? marker = null;
        while (marker is null && DateTime.UtcNow < deadline && !first.HasExited)
        {
            Thread.Sleep(200);
            marker = Directory.Exists(cells) ? Directory.GetFiles(cells, CellResult.FileName, SearchOption.AllDirectories).FirstOrDefault() : null;
        }
        Assert.True(marker is not null, $"no cell finished (exited: {first.HasExited})");
        first.Kill(entireProcessTree: true);
        first.WaitForExit();
        var written = File.GetLastWriteTimeUtc(marker);

        var second = CliRunner.Run(args);
        Assert.True(second.ExitCode == 0, second.StdOut + second.StdErr);
        Assert.Contains("4 of 4 cells done", second.StdOut);
        Assert.Matches(@"4 cells: [1-3] done", second.StdOut);               // it started with the finished cells done
        Assert.Equal(written, File.GetLastWriteTimeUtc(marker));             // and did not run them again
    }

    [Fact]
    public void BadStudiesAndCellsAreOneLineErrors()
    {
        var dir = Cmd.Tests.Fixtures.TempDir("sweep-bad");
        var bad = Path.Combine(dir, "bad.json");
        File.WriteAllText(bad, File.ReadAllText(TinyStudy).Replace("\"evaluationClips\"", "\"evaluationClip\""));
        var r = CliRunner.Run("sweep", "status", bad);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"error: {bad}:", r.StdErr);
        Assert.Contains("evaluationClip", r.StdErr);
        Assert.Single(r.StdErr.Trim().Split('\n'));

        var cell = CliRunner.Run(Into(dir, "sweep", "cell", TinyStudy, "9"));
        Assert.Contains("no cell 9 (the study has cells 0..5)", cell.StdErr);
        var stale = CliRunner.Run(Into(dir, "sweep", "cell", TinyStudy, "0", "--expect-key", "000000000000"));
        Assert.Contains("changed since the sweep was submitted", stale.StdErr);
        var noSlurm = CliRunner.Run(Into(dir, "sweep", "cancel", TinyStudy));
        Assert.Contains("has no Slurm submission", noSlurm.StdErr);
    }
}
