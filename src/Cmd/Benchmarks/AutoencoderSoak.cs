using System.Diagnostics;
using System.Globalization;
using Cmd.Training;

namespace Cmd.Benchmarks;

/// <summary>What a soak asks for: the autoencoder preset, steps, run folder, when memory is "warm", restarts allowed.</summary>
public sealed record SoakOptions(string Preset = "small", long Steps = 4000, string OutDir = "runs/soak-ae", long WarmupSteps = 500,
    int MaxRestarts = 5, long CheckpointEvery = 200);

/// <summary>
/// What a soak saw: native crashes (a training process that died, by exit code and its last error line), restarts
/// (each from the last checkpoint with --resume), and resident memory at the warm-up step and at the end of the loss log.
/// </summary>
public sealed record SoakReport(SoakOptions Options, long StepsDone, IReadOnlyList<string> Crashes, int Restarts,
    double? RssAtWarmupMb, double? RssAtEndMb, long? WarmupStep, long? EndStep, bool RestartAfterWarmup, double Seconds)
{
    public double? GrowthPercent => RssAtWarmupMb is > 0 && RssAtEndMb is double end ? 100 * (end / RssAtWarmupMb.Value - 1) : null;

    public IEnumerable<string> Lines()
    {
        yield return $"soak ae --preset {Options.Preset}: {StepsDone}/{Options.Steps} steps in {Seconds:F0} s, {Crashes.Count} native crash(es), {Restarts} restart(s)";
        foreach (var c in Crashes) yield return $"  crash: {c}";
        if (GrowthPercent is double g)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  RSS {RssAtWarmupMb:F1} MB at step {WarmupStep} (warm-up) -> {RssAtEndMb:F1} MB at step {EndStep}: {g:+0.00;-0.00}%{(RestartAfterWarmup ? " (a restart after warm-up: the end is another process)" : "")}");
        else yield return $"  RSS growth: not measured (the run did not reach step {Options.WarmupSteps} and go past it)";
    }
}

/// <summary>
/// Trains the autoencoder in child processes (the CLI's `ae train`, started by the caller) until the step count is
/// reached: a process that dies is a crash, counted, and the run restarts from its last checkpoint, so a long run
/// shows whether it crashes and how often instead of just dying. Memory comes from the loss log's rss_mb column
/// (written every step): resident memory at the warm-up step against the last step.
/// </summary>
public static class AutoencoderSoak
{
    /// <param name="trainer">Starts `ae train` with these arguments (preset, steps, out, checkpoint interval, resume).</param>
    public static SoakReport Run(SoakOptions o, Func<IReadOnlyList<string>, ProcessStartInfo> trainer, Action<string>? log = null)
    {
        if (o.Steps <= o.WarmupSteps) throw new ArgumentException($"--steps ({o.Steps}) must exceed the warm-up ({o.WarmupSteps}) to measure growth after it");
        var clock = Stopwatch.StartNew();
        var crashes = new List<string>();
        int restarts = 0;
        long restartStep = -1;
        string checkpoint = Path.Combine(o.OutDir, TrainingCheckpoint.FileName);
        if (File.Exists(checkpoint)) throw new ArgumentException($"{checkpoint} exists: a soak starts from scratch (choose another --out)");
        while (true)
        {
            var args = new List<string> { "ae", "train", "--preset", o.Preset, "--steps", o.Steps.ToString(CultureInfo.InvariantCulture), "--out", o.OutDir,
                "--checkpoint-every", o.CheckpointEvery.ToString(CultureInfo.InvariantCulture), "--resume" };
            var info = trainer(args);
            info.RedirectStandardError = true;
            info.UseShellExecute = false;
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
            var lastError = new List<string>();
            process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line && !line.Contains('\r')) lock (lastError) { lastError.Add(line); if (lastError.Count > 20) lastError.RemoveAt(0); } };
            process.BeginErrorReadLine();
            process.WaitForExit();
            long done = StepOf(checkpoint);
            if (process.ExitCode == 0 && done >= o.Steps) break;
            string last;
            lock (lastError) last = lastError.LastOrDefault(l => l.Contains("error") || l.Contains("Error") || l.Contains("terminate")) ?? lastError.LastOrDefault() ?? "";
            crashes.Add($"exit code {process.ExitCode} at checkpoint step {done}: {last}");
            log?.Invoke($"soak: training died (exit {process.ExitCode}) after checkpoint step {done}; restarting with --resume");
            if (process.ExitCode == 1 && !last.Contains("terminate")) throw new InvalidOperationException($"soak: ae train failed: {last}");
            if (++restarts > o.MaxRestarts) break;
            restartStep = done;
        }
        var rows = File.Exists(Path.Combine(o.OutDir, LossLog.FileName)) ? Rss(Path.Combine(o.OutDir, LossLog.FileName)) : [];
        var warm = rows.FirstOrDefault(r => r.Step >= o.WarmupSteps);
        var end = rows.LastOrDefault();
        bool measured = warm.Step > 0 && end.Step > warm.Step;
        return new SoakReport(o, StepOf(checkpoint), crashes, restarts, measured ? warm.RssMb : null, measured ? end.RssMb : null,
            measured ? warm.Step : null, measured ? end.Step : null, restartStep >= o.WarmupSteps, clock.Elapsed.TotalSeconds);
    }

    static long StepOf(string checkpoint)
    {
        if (!File.Exists(checkpoint)) return 0;
        try { return TrainingCheckpoint.ReadStep(IO.SafeTensorsFile.Open(checkpoint).Metadata, checkpoint); }
        catch (Exception e) when (e is IO.SafeTensorsException or CheckpointException) { return 0; }
    }

    /// <summary>(step, rss_mb) rows of a loss log.</summary>
    public static List<(long Step, double RssMb)> Rss(string lossLog) => File.ReadLines(lossLog).Skip(1)
        .Select(l => l.Split(','))
        .Where(p => p.Length >= 6 && long.TryParse(p[0], CultureInfo.InvariantCulture, out _) && double.TryParse(p[5], CultureInfo.InvariantCulture, out _))
        .Select(p => (long.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[5], CultureInfo.InvariantCulture))).ToList();
}
