using Cmd.IO;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Training;

/// <summary>Issue 17: divergence, resume messages, one writer per run folder.</summary>
public class TrainerHardeningTests
{
    [Fact]
    public void ANaNLossStopsBeforeTheUpdateAndNamesTheStepAndASavedFile()
    {
        string dir = Fixtures.TempDir("nan");
        var (m, b) = TrainerTests.TinySetup();
        var options = AutoencoderTraining.Options(m.Config) with { Steps = 10, Progress = false, OutDir = dir, CheckpointEvery = 0 };
        // steps 0-2 train; step 3 (the 4th) gets a NaN batch
        var e = Assert.Throws<TrainingDivergedException>(() => AutoencoderTraining.Train(m, s => s == 3 ? full(new long[] { 2, m.Config.Frames, m.Config.Channels, m.Config.Height, m.Config.Width }, float.NaN) : b(s), options));
        Assert.Equal(4, e.Step);
        Assert.Contains("at step 4", e.Message);
        Assert.NotNull(e.SavedPath);
        Assert.Contains(e.SavedPath!, e.Message);
        Assert.True(File.Exists(e.SavedPath));
        Assert.Equal("3", SafeTensorsFile.Open(e.SavedPath!).Metadata["step"]);
        foreach (var p in m.parameters()) Assert.True(p.isfinite().all().item<bool>());
    }

    [Fact]
    public void DivergenceOnTheFirstStepNamesNoFileThatDoesNotExist()
    {
        string dir = Fixtures.TempDir("nan0");
        var (m, _) = TrainerTests.TinySetup();
        var options = AutoencoderTraining.Options(m.Config) with { Steps = 5, Progress = false, OutDir = dir };
        var e = Assert.Throws<TrainingDivergedException>(() => AutoencoderTraining.Train(m, _ => full(new long[] { 2, m.Config.Frames, m.Config.Channels, m.Config.Height, m.Config.Width }, float.PositiveInfinity), options));
        Assert.Null(e.SavedPath);
        Assert.Contains("before any checkpoint was written", e.Message);
        Assert.False(File.Exists(options.CheckpointPath));
    }

    [Fact]
    public void ResumeWithoutACheckpointSaysSoAndResumeWhenDoneSaysNothingToDo()
    {
        string dir = Fixtures.TempDir("resume-msg");
        var (m, b) = TrainerTests.TinySetup();
        var options = AutoencoderTraining.Options(m.Config) with { Steps = 2, Progress = false, OutDir = dir, Resume = true };
        var first = AutoencoderTraining.Train(m, b, options);
        Assert.Contains(first.Notes, n => n.Contains("no checkpoint at") && n.Contains("starts from step 0"));
        var again = AutoencoderTraining.Train(m, b, options with { Steps = 1 });
        Assert.True(again.NothingToDo);
        Assert.Contains("nothing to train", again.Describe(options.CheckpointPath));
        Assert.Contains("at step 2", again.Describe(options.CheckpointPath));
        Assert.DoesNotContain("NaN", again.Describe(options.CheckpointPath));
    }

    [Fact]
    public void ASecondWriterIsRefusedWithTheHoldersPidAndStaleTempsGo()
    {
        string dir = Fixtures.TempDir("lock");
        File.WriteAllText(Path.Combine(dir, ".checkpoint.safetensors.12345.tmp"), "half a write");
        using (var held = RunFolderLock.Acquire(dir))
        {
            Assert.Equal([".checkpoint.safetensors.12345.tmp"], held.RemovedTemps);
            var e = Assert.Throws<RunFolderLockedException>(() => RunFolderLock.Acquire(dir));
            Assert.Contains($"PID {Environment.ProcessId}", e.Message);
            var (m, b) = TrainerTests.TinySetup();
            Assert.Throws<RunFolderLockedException>(() => AutoencoderTraining.Train(m, b, AutoencoderTraining.Options(m.Config) with { Steps = 1, Progress = false, OutDir = dir }));
        }
        using var again = RunFolderLock.Acquire(dir); // released: the next run takes it
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }
}
