using Cmd.Models.Denoisers;
using Cmd.Presets;
using Cmd.Tests.Pipeline;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Training;

public class ConditionAugmentationTests
{
    /// <summary>Each frame gets one std from [0, max], the same for its channels: the per-frame noise std spreads over
    /// that range (not one std for the batch, not above max), and 0 gives the frames themselves.</summary>
    [Fact]
    public void EachFrameGetsItsOwnNoiseStdWithinTheMaximum()
    {
        manual_seed(3);
        var content = rand(256, 3, 32, 32) * 2 - 1;
        var noise = ConditionAugmentation.Noised(content, 0.4) - content;
        var std = noise.reshape(256, -1).std(1).data<float>().ToArray();
        var perChannel = noise.reshape(256, 3, -1).std(2);                   // one std for a frame's channels
        Assert.True((perChannel.amax(1) / perChannel.amin(1)).max().item<float>() < 1.3f);
        Assert.All(std, s => Assert.InRange(s, 0.0, 0.4 * 1.08));
        Assert.Contains(std, s => s < 0.1);
        Assert.Contains(std, s => s > 0.3);
        Assert.InRange(std.Average(), 0.17, 0.23);                            // U(0, 0.4) has mean 0.2
        Assert.Same(content, ConditionAugmentation.Noised(content, 0));
        Assert.Contains("--content-noise", Assert.Throws<ArgumentException>(() =>
            ConditionAugmentation.Noised(content, -0.1)).Message);
    }

    /// <summary>--content-noise reaches the motion DiT's condition (the same seeded steps, the same random draws, see
    /// other content frames, so the sixth step's loss differs), is refused below 0 and for the content and cubic DiTs,
    /// which have no condition frame, before anything is written.</summary>
    [Fact]
    public void ContentNoiseReachesMotionTrainingAndIsRefusedElsewhere()
    {
        using var pairs = PipelineFixtures.TinyPairs();
        var cfg = RunPresets.Tiny.Motion with { NumClasses = 4 };
        double LastLoss(double s)    // adaLN-zero: blocks and last layer start at zero, so the content frames count
        {                            // only after a few steps at a high rate
            manual_seed(0);
            using var m = new MotionDiT(cfg);
            var options = PipelineFixtures.Options(Fixtures.TempDir("motion-cn"), 6)
                with { ContentNoise = s, LearningRate = 1e-2 };
            return DiffusionTraining.TrainMotion(m, pairs, options, batchSize: 4).LastLoss;
        }
        // at a std of 1e-9 the draws are the same as at 1 (the same t and eps), so only the condition differs
        double faint = LastLoss(1e-9), noised = LastLoss(1);
        Assert.Equal(faint, LastLoss(1e-9));
        Assert.True(Math.Abs(noised - faint) > 1e-4 * faint, $"sixth loss {noised} with noise, {faint} without");
        using var content = new DiT(RunPresets.Tiny.ContentDiT with { NumClasses = 4 });
        var dir = Fixtures.TempDir("content-cn");
        Assert.Contains("--content-noise", Assert.Throws<ArgumentException>(() => DiffusionTraining.TrainContent(
            content, pairs, PipelineFixtures.Options(dir, 1) with { ContentNoise = 0.5 }, 2)).Message);
        Assert.Empty(Directory.GetFiles(dir));
        using var cubic = new CubicVideoDiT(RunPresets.Tiny.CubicDiT);
        Assert.Contains("--content-noise", Assert.Throws<ArgumentException>(() => DiffusionTraining.TrainCubic(cubic,
            _ => (randn([2, 8, 1, 32, 32]), tensor(new long[] { 0, 1 })),
            PipelineFixtures.Options(dir, 1) with { ContentNoise = 0.5 })).Message);
        Assert.Empty(Directory.GetFiles(dir));
        Assert.Contains("--content-noise", Assert.Throws<ArgumentException>(() =>
            (PipelineFixtures.Options(dir, 1) with { ContentNoise = -1 }).Validate()).Message);
    }

    /// <summary>A run resumed with another --content-noise says so (its checkpoints name the last one only).</summary>
    [Fact]
    public void ResumingWithAnotherContentNoiseIsNoted()
    {
        using var pairs = PipelineFixtures.TinyPairs();
        var cfg = RunPresets.Tiny.Motion with { NumClasses = 4 };
        var options = PipelineFixtures.Options(Fixtures.TempDir("motion-cn-resume"), 1) with { ContentNoise = 0.5 };
        using (var m = new MotionDiT(cfg)) DiffusionTraining.TrainMotion(m, pairs, options, batchSize: 2);
        using var again = new MotionDiT(cfg);
        var resumed = DiffusionTraining.TrainMotion(again, pairs,
            options with { Steps = 2, Resume = true, ContentNoise = 0.2 }, batchSize: 2);
        Assert.Contains(resumed.Notes, n => n.Contains("--content-noise 0.5; continuing with 0.2"));
        using var same = new MotionDiT(cfg);
        var unchanged = DiffusionTraining.TrainMotion(same, pairs,
            options with { Steps = 3, Resume = true, ContentNoise = 0.2 }, batchSize: 2);
        Assert.DoesNotContain(unchanged.Notes, n => n.Contains("--content-noise"));
    }
}
