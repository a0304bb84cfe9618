using Cmd.IO;

namespace Cmd.Studies;

/// <summary>Where each cell stands, from its files: done (marker), running (its lock is held), started (a run folder to resume), pending.</summary>
public static class StudyStatus
{
    /// <param name="State">done, running, failed (its last error in <paramref name="Detail"/>; run again to retry), started, pending.</param>
    public sealed record Row(StudyCell Cell, string State, CellResult? Result, string? Detail = null);

    public static IReadOnlyList<Row> Of(StudyPlan plan) => plan.Cells.Select(c => Of(plan, c)).ToList();

    public static Row Of(StudyPlan plan, StudyCell c)
    {
        if (plan.Done(c) is { } done) return new Row(c, "done", done);
        var run = plan.RunFolder(c);
        if (FileLock.IsHeld(Path.Combine(run, CellRunner.LockFileName))) return new Row(c, "running", null);
        var failed = Path.Combine(run, CellRunner.FailureFileName);
        if (File.Exists(failed)) return new Row(c, "failed", null, File.ReadAllText(failed).Trim());
        return new Row(c, Directory.Exists(run) ? "started" : "pending", null);
    }

    /// <summary>"12 cells: 8 done, 1 running, 3 pending".</summary>
    public static string Summary(IReadOnlyList<Row> rows) =>
        $"{rows.Count} cells: " + string.Join(", ", rows.GroupBy(r => r.State).OrderBy(g => Order(g.Key)).Select(g => $"{g.Count()} {g.Key}"));

    static int Order(string state) => state switch { "done" => 0, "running" => 1, "failed" => 2, "started" => 3, _ => 4 };
}
