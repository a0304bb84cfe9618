using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Pipeline;

public class PipelineTrainingTests
{
    [Fact]
    public void LoadOrTrainAutoencoderTrainsInTheRunFolderThenLoadsWhatItWrote()
    {
        var dir = Fixtures.TempDir("load-or-train");
        var run = new PipelineTraining.Run(dir, CPU, Seed: 3);
        var config = RunPresets.Tiny.Autoencoder;
        var log = new List<string>();
        using var trained = PipelineTraining.LoadOrTrainAutoencoder("", config, steps: 2, run, clips: 8, log: log.Add);
        var checkpoint = Path.Combine(dir, TrainingCheckpoint.FileName);
        Assert.True(File.Exists(checkpoint));
        Assert.Contains("steps 0..2", log.Single());
        Assert.False(trained.training);

        using var loaded = PipelineTraining.LoadOrTrainAutoencoder(checkpoint, config with { Depth = 3 }, steps: 2, run, log: log.Add);
        Assert.Equal(config, loaded.Config); // the file's config, not the one asked for
        Assert.Contains("loaded from", log[^1]);
        var a = trained.state_dict(); var b = loaded.state_dict();
        Assert.All(a.Keys, k => Assert.True(a[k].allclose(b[k], rtol: 0, atol: 0), k));
    }
}
