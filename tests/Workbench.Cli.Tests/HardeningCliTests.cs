using Cmd.Training;

namespace Workbench.Cli.Tests;

/// <summary>Issue 17 as a user meets it: fuzz and soak commands, a locked run folder, resume messages.</summary>
public class HardeningCliTests
{
    static string Temp(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), $"cli-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(d);
        return d;
    }

    [Fact]
    public void FuzzRunsInWorkersAndPrintsTheCounts()
    {
        var r = CliRunner.Run("fuzz", "safetensors", "--count", "60", "--seed", "3", "--timeout", "300"); // per-input hang guard, not a speed limit
        Assert.True(r.ExitCode == 0, r.StdOut + r.StdErr);
        Assert.Contains("fuzz safetensors: 60 inputs", r.StdOut);
        Assert.Contains("anything else 0", r.StdOut);
        Assert.Contains("process deaths 0", r.StdOut);
        Assert.Contains("unknown fuzz target", CliRunner.Run("fuzz", "nothing").StdErr);
    }

    [Fact]
    public void ATrainingFolderHeldByAnotherRunIsRefusedWithItsPid()
    {
        var dir = Temp("lock");
        using (RunFolderLock.Acquire(dir))
        {
            var r = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "2", "--out", dir, "--count", "8");
            Assert.Equal(1, r.ExitCode);
            Assert.Contains($"is in use by another training run (PID {Environment.ProcessId}", r.StdErr);
        }
    }

    [Fact]
    public void ResumeWithoutACheckpointSaysSoAndResumingADoneRunSaysNothingToDo()
    {
        var dir = Temp("resume");
        var first = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "3", "--out", dir, "--count", "8", "--resume");
        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.Contains("--resume: no checkpoint at", first.StdErr);
        var again = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "2", "--out", dir, "--count", "8", "--resume");
        Assert.True(again.ExitCode == 0, again.StdErr);
        Assert.Contains("nothing to train", again.StdOut);
        Assert.DoesNotContain("NaN", again.StdOut);
    }

    [Fact]
    public void AHugeLearningRateStopsNamingAStepAndOnlyAFileThatExists()
    {
        var dir = Temp("lr");
        var r = CliRunner.Run("ae", "train", "--preset", "tiny", "--steps", "50", "--out", dir, "--count", "8", "--lr", "1e6");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("training diverged: loss is", r.StdErr);
        var m = System.Text.RegularExpressions.Regex.Match(r.StdErr, @"(saved in|last good checkpoint is) (\S+\.safetensors)");
        if (m.Success) Assert.True(File.Exists(m.Groups[2].Value), $"{m.Groups[2].Value} named but missing");
        else Assert.Contains("before any checkpoint was written", r.StdErr);
    }

    [Fact]
    public void SoakAtTinyReportsCrashesRestartsAndRssGrowth()
    {
        var dir = Path.Combine(Temp("soak"), "run");
        var r = CliRunner.Run("soak", "ae", "--preset", "tiny", "--steps", "30", "--warmup", "10", "--out", dir, "--checkpoint-every", "10");
        Assert.True(r.ExitCode == 0, r.StdOut + r.StdErr);
        Assert.Contains("soak ae --preset tiny: 30/30 steps", r.StdOut);
        Assert.Contains("0 native crash(es), 0 restart(s)", r.StdOut);
        Assert.Matches(@"RSS [\d.]+ MB at step 10 \(warm-up\) -> [\d.]+ MB at step 30: [+-][\d.]+%", r.StdOut);
    }
}
