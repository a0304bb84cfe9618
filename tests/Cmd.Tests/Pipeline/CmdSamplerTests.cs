using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Pipeline;

/// <summary>CMD's sampling pipeline: class -> content frame -> motion latent -> decoder -> video.</summary>
public class CmdSamplerTests
{
    [Fact]
    public void PipelineSamplesVideos()
    {
        var dir = Fixtures.TempDir("pipe");
        using var pairs = PipelineFixtures.TinyPairs(8);
        using var ae = new CmdAutoencoder(RunPresets.Tiny.Autoencoder);
        ae.eval();
        using var content = new DiT(RunPresets.Tiny.ContentDiT);
        using (var m = new MotionDiT(RunPresets.Tiny.Motion)) DiffusionTraining.TrainMotion(m, pairs, PipelineFixtures.Options(Path.Combine(dir, "motion"), 1), 2);
        var motion = ModelStore.LoadMotion(Path.Combine(dir, "motion"));
        manual_seed(0);
        var s = CmdSampler.Sample(ae, content, motion, [1, 2, 3], contentSteps: 2, motionSteps: 2, batchSize: 2);
        Assert.Equal(new long[] { 3, 8, 1, 32, 32 }, s.Videos.shape);
        Assert.Equal(new long[] { 3, 1, 32, 32 }, s.ContentFrames.shape);
    }
}
