using Cmd.Data;
using Cmd.Studies;

namespace Cmd.Tests.Studies;

/// <summary>How `sweep run --backend local` treats a failing cell (the real runs are in Workbench.Cli.Tests/SweepCliTests).</summary>
public class LocalBackendTests
{
    /// <summary>sweep-tiny in a fresh folder, and a script that stands in for `workbench sweep cell`: it records its cell in
    /// the starts file, runs <paramref name="then"/>, and fails (exit 3).</summary>
    static (StudyPlan Plan, CellCommand Cells, string Starts) FailingCells(string name, string then)
    {
        var dir = Fixtures.TempDir(name);
        var plan = StudyPlan.Load(Path.Combine(RepoData.Root, "studies", "sweep-tiny.json"),
            new StudyOverrides { Results = Path.Combine(dir, "results"), Runs = Path.Combine(dir, "runs") });
        var starts = Path.Combine(dir, "starts.txt");
        var script = Path.Combine(dir, "cell.sh");
        File.WriteAllText(script, $"echo \"$4\" >> '{starts}'\n{then}\nexit 3\n");
        return (plan, new CellCommand(["sh", script], "studies/sweep-tiny.json", []), starts);
    }

    [Fact]
    public void AFailingCellIsStartedOnceMoreThenCountedAsFailed()
    {
        var (plan, cells, starts) = FailingCells("local-retry", "echo \"error: cell $4 failed\" >&2");
        var log = new List<string>();
        var summary = LocalBackend.Run(plan, cells, 1, 1, log.Add);

        Assert.Equal(plan.Cells.Count, summary.Failed);
        Assert.Equal(0, summary.Ran);
        var attempts = File.ReadAllLines(starts).GroupBy(l => l).ToDictionary(g => int.Parse(g.Key), g => g.Count());
        Assert.Equal(plan.Cells.Select(c => c.Index).Order(), attempts.Keys.Order());
        Assert.All(attempts.Values, n => Assert.Equal(LocalBackend.Attempts, n));
        Assert.Contains(log, l => l.Contains("cell 0 (") && l.Contains("starting it again, from its checkpoints"));
        Assert.Contains(log, l => l.Contains("cell 0 (") && l.Contains($"FAILED (exit 3, {LocalBackend.Attempts} attempts): " +
            "error: cell 0 failed"));
    }

    [Fact]
    public void ACellAnotherProcessTakesMeanwhileIsLeftToItNotCountedAsFailed()
    {
        var (plan, cells, starts) = FailingCells("local-elsewhere", "sleep 0.3");
        var log = new List<string>();
        var taken = plan.Cells[^1];
        var sweep = Task.Run(() => LocalBackend.Run(plan, cells, 1, 1, log.Add));
        IDisposable? other = null; // a second `sweep run` on the same folder takes the last cell once this one has started
        for (var deadline = DateTime.UtcNow.AddSeconds(30); other is null && DateTime.UtcNow < deadline; Thread.Sleep(20))
            if (File.Exists(starts)) other = Cmd.IO.FileLock.TryAcquire(Path.Combine(plan.RunFolder(taken), CellRunner.LockFileName));
        Assert.NotNull(other);
        var summary = sweep.Result;
        other.Dispose();
        Assert.Equal(1, summary.Elsewhere);
        Assert.Equal(plan.Cells.Count - 1, summary.Failed);
        Assert.DoesNotContain(taken.Index.ToString(), File.ReadAllLines(starts));
        Assert.Contains(log, l => l.Contains($"cell {taken.Index} (") && l.Contains("running in another process, left to it"));
    }
}
