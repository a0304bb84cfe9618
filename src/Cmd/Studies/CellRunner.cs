using System.Text.Json.Nodes;
using Cmd.IO;
using Cmd.Metrics.Fvd;
using Cmd.Runtime;
using static TorchSharp.torch;

namespace Cmd.Studies;

/// <summary>What a cell's runner gets: the plan, the cell, its folders, the device and a log.</summary>
public sealed record CellContext(StudyPlan Plan, StudyCell Cell, string RunFolder, string CellFolder, Device Device, Action<string> Log)
{
    public CellConfig Config => Cell.Config;

    public bool Wants(string metric) => Plan.Study.Metrics.Contains(metric);

    public bool WantsAny(params string[] metrics) => metrics.Any(Wants);

    /// <summary>The study's detector, checked against the clips' channels (FVD-local is one-channel; I3D is RGB).</summary>
    public IVideoDetector OpenDetector(int channels)
    {
        var d = Plan.Detector.Open(Device);
        var takes = DetectorSpec.Channels(d);
        if (!takes.Contains(channels))
        {
            (d as IDisposable)?.Dispose();
            throw new StudyException($"{Plan.StudyPath}: detector {Plan.Study.Detector} takes {string.Join(" or ", takes)}-channel clips, the study's have " +
                $"{channels} (RGB needs detector i3d:<i3d_torchscript.pt>; or collect no FVD metrics)");
        }
        return d;
    }
}

/// <summary>
/// Runs one cell (`workbench sweep cell`): skips it when its done marker exists, holds the cell's lock while it runs (a
/// second process on the same cell stops with a clear error), trains and scores through the library, resuming the
/// cell's training from its checkpoints after a kill, and writes the done marker last.
/// </summary>
public static class CellRunner
{
    public const string LockFileName = "cell.lock";
    /// <summary>Written in the run folder when a cell throws (its first line), removed when it succeeds.</summary>
    public const string FailureFileName = "failed.txt";

    /// <summary>
    /// A libtorch error as one line that names the cell and says what is kept. Seen in Table 4b and 4c: "Expected false
    /// to be true" from c10::Scalar::toFloat, a TorchSharp temporary Scalar freed by its finalizer during the call
    /// (Runtime.ScalarLifetimeGuard, which now prevents it); running the cell again (sweep run does once) resumes it.
    /// </summary>
    static StudyException NativeFailure(int index, StudyCell cell, string run, Exception e) =>
        new($"cell {index} ({cell.Label}): libtorch failed: {e.Message.Split('\n')[0].Trim()} (its checkpoints in {run} are " +
            "kept; run the cell again to resume)", e);

    public static CellResult Run(StudyPlan plan, int index, Device device, Action<string> log, string? expectKey = null)
    {
        var cell = plan.Cell(index);
        if (expectKey is not null && expectKey != cell.Key)
            throw new StudyException($"{plan.StudyPath} changed since the sweep was submitted: cell {index} is now {cell.Key} ({cell.Label}), " +
                $"the job expected {expectKey}; submit the sweep again");
        if (plan.Done(cell) is { } done) { log($"cell {index} ({cell.Label}) is done: {plan.CellFolder(cell)}"); return done; }
        var run = plan.RunFolder(cell);
        var lockPath = Path.Combine(run, LockFileName);
        using var held = FileLock.TryAcquire(lockPath)
            ?? throw new StudyException($"cell {index} ({cell.Label}) is running in another process ({FileLock.Holder(lockPath)}; lock {lockPath})");
        if (plan.Done(cell) is { } finished) return finished;
        File.WriteAllText(Path.Combine(run, "config.json"), ConfigKey.Canonical(cell.Config) + "\n");
        var folder = plan.CellFolder(cell);
        Directory.CreateDirectory(folder);
        using var clock = new CellClock(run, log);
        log($"cell {index}/{plan.Cells.Count} {cell.Label} ({cell.Config.Kind}, key {cell.Key}) on {device.type}, {get_num_threads()} threads");
        var context = new CellContext(plan, cell, run, folder, device, log);
        var failure = Path.Combine(run, FailureFileName);
        Dictionary<string, double> metrics;
        try
        {
            if (plan.Study.Metrics.Any(CellMetrics.NeedsDetector)) // a detector that cannot score these clips fails before any training
                (context.OpenDetector(cell.Config.Autoencoder.Channels) as IDisposable)?.Dispose();
            metrics = cell.Config.Kind switch
            {
                StudyKind.Autoencoder => AutoencoderCell.Run(context),
                StudyKind.Motion => MotionCell.Run(context),
                StudyKind.Components => ComponentsCell.Run(context),
                StudyKind.ContentFrames => AutoencoderCell.Run(context, contentFrames: true),
                _ => throw new StudyException($"unknown study kind {cell.Config.Kind}"),
            };
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            var error = NativeFailure(index, cell, run, e);
            File.WriteAllText(failure, $"{DateTimeOffset.Now:u} {error.Message}\n");
            throw error;
        }
        catch (Exception e)
        {
            File.WriteAllText(failure, $"{DateTimeOffset.Now:u} {e.GetType().Name}: {e.Message.Split('\n')[0]}\n");
            throw;
        }
        File.Delete(failure);
        var result = new CellResult
        {
            Key = cell.Key, Study = plan.Study.Name, Variant = cell.Variant, Seed = cell.Seed,
            Metrics = metrics.Where(m => plan.Study.Metrics.Contains(m.Key)).ToDictionary(m => m.Key, m => m.Value),
            Seconds = clock.Seconds, Runs = clock.Runs, Started = clock.FirstStarted, Finished = DateTimeOffset.Now,
            Machine = MachineInfo.Describe(), Device = device.type.ToString().ToLowerInvariant(), Threads = get_num_threads(),
            Artefacts = Directory.GetFiles(folder).Select(Path.GetFileName).Where(f => f != CellResult.FileName).Order().ToArray()!,
            Config = JsonNode.Parse(ConfigKey.Canonical(cell.Config)),
        };
        result.Write(folder);
        log($"cell {index} done in {clock.Describe()}: {string.Join(", ", result.Metrics.Select(m => $"{m.Key} {m.Value:G5}"))}");
        return result;
    }
}
