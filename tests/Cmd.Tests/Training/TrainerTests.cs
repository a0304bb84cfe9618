using Cmd.Models.Autoencoder;
using Cmd.Presets;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Training;

/// <summary>The shared training loop: exact resume and the learning-rate warmup.</summary>
public class TrainerTests
{
    static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "cmd-trainer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>A tiny autoencoder and batches drawn from torch's generator (restored on resume).</summary>
    internal static (CmdAutoencoder model, Func<long, Tensor> batches) TinySetup()
    {
        var c = RunPresets.Tiny.Autoencoder;
        manual_seed(11);
        var model = new CmdAutoencoder(c);
        // batches drawn from torch's generator (restored on resume)
        Func<long, Tensor> batches = _ => rand(new long[] { 2, c.Frames, c.Channels, c.Height, c.Width }) * 2 - 1;
        return (model, batches);
    }

    [Fact]
    public void ResumeContinuesExactlyFromTheLastCheckpoint()
    {
        string straight = TempDir(), broken = TempDir();
        var options = AutoencoderTraining.Options(RunPresets.Tiny.Autoencoder) with { Steps = 6, CheckpointEvery = 3, Progress = false, Seed = 5 };

        var (m1, b1) = TinySetup();
        AutoencoderTraining.Train(m1, b1, options with { OutDir = straight });

        var (m2, b2) = TinySetup();
        AutoencoderTraining.Train(m2, b2, options with { OutDir = broken, Steps = 3 });
        File.AppendAllText(Path.Combine(broken, LossLog.FileName), "4,123,0,0,0\n"); // a row past the checkpoint (crash after step 4)
        var (m3, b3) = TinySetup(); // fresh process: new model, other RNG state
        var r = AutoencoderTraining.Train(m3, b3, options with { OutDir = broken, Resume = true });
        Assert.Equal(3, r.StartStep);

        foreach (var (name, p) in m1.named_parameters())
            Assert.True(p.sub(m3.get_parameter(name)!).abs().max().item<float>() == 0f, $"{name} differs after resume");
        var l1 = LossLog.Read(Path.Combine(straight, LossLog.FileName));
        var l3 = LossLog.Read(Path.Combine(broken, LossLog.FileName));
        Assert.Equal(l1, l3);
        Assert.Equal(6, l1.Count);
    }

    [Fact]
    public void WarmupRampsTheLearningRateLinearly()
    {
        var o = new TrainingOptions { LearningRate = 1e-3, WarmupSteps = 10 };
        Assert.Equal(1e-4, Trainer.LearningRateAt(o, 0), 10);
        Assert.Equal(1e-3, Trainer.LearningRateAt(o, 9), 10);
        Assert.Equal(1e-3, Trainer.LearningRateAt(o, 50), 10);
    }

    [Fact]
    public void DecayStartGivesACosineToZeroAtTheLastStep()
    {
        var o = new TrainingOptions { LearningRate = 1e-3, Steps = 300, DecayStart = 100 };
        Assert.Equal(1e-3, Trainer.LearningRateAt(o, 99), 12);
        Assert.Equal(1e-3, Trainer.LearningRateAt(o, 100), 12);
        Assert.Equal(0.5e-3, Trainer.LearningRateAt(o, 200), 12);
        Assert.Equal(0, Trainer.LearningRateAt(o, 300), 12);
        Assert.Throws<ArgumentException>(() => (o with { DecayStart = 300 }).Validate());
    }
}
