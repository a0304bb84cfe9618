using Cmd.Data;
using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using Cmd.Models.Denoisers;
using static TorchSharp.torch;

namespace Cmd.Tests.Evaluation;

/// <summary>The content-frame probe of issue 14: still clips of frames that show the class are read as that class.</summary>
public class ContentScoreTests
{
    /// <summary>The last frames of real clips (what the ae-small-entropy content frames look like), with their labels.</summary>
    static (Tensor Frames, Tensor Labels) LastFrames(int n)
    {
        var data = new MovingMnist(MovingMnistConfig.Small with { Split = MnistSplit.Test }, n, seed: 2468);
        var clips = Enumerable.Range(0, n).Select(data.Get).ToList();
        var frames = stack(clips.Select(c => c.Frames[^1]).ToArray());
        var labels = tensor(clips.Select(c => (long)c.Label).ToArray());
        clips.ForEach(c => c.Dispose());
        return (frames, labels);
    }

    [Fact]
    public void StillClipsRepeatTheFrame()
    {
        using var frames = randn(3, 1, 8, 8);
        using var clips = ContentScore.StillClips(frames, 5);
        Assert.Equal([3L, 5, 1, 8, 8], clips.shape);
        for (int t = 0; t < 5; t++) Assert.True(clips[.., t].allclose(frames, rtol: 0, atol: 0));
    }

    [Fact]
    public void RealFramesAreReadAsTheirClassAndAnUntrainedModelIsScoredPerClass()
    {
        using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
        var (frames, labels) = LastFrames(48);
        manual_seed(0);
        using var model = new DiT(DiTConfig.Tiny with { InputSize = 64, PatchSize = 16, InChannels = 1, NumClasses = 10 });
        model.eval();
        var (r, generated) = ContentScore.Score(detector, model, frames, labels, perClass: 1, frames: 16, steps: 2);
        Assert.Equal([10L, 1, 64, 64], generated.shape);
        Assert.Equal((10, 48), (r.Count, r.RealCount));
        Assert.True(r.RealClassAccuracy >= 0.7, r.ToString());
        Assert.Equal((10L, 10L), (r.Fvd!.FakeCount, r.Floor!.RealCount));     // n = min(10 generated, 48 / 2 real)
        Assert.True(r.FvdRatio > 3, r.ToString());                          // an untrained model's frames are noise
        using var shifted = (labels + 5) % 10;
        var wrong = ContentScore.Score(detector, model, frames, shifted, perClass: 1, frames: 16, steps: 2).Score;
        Assert.True(wrong.RealClassAccuracy < r.RealClassAccuracy - 0.3, $"{wrong} vs {r}");
        frames.Dispose(); labels.Dispose(); generated.Dispose();
    }

    [Fact]
    public void RealFramesOfAnotherSizeAreAClearError()
    {
        using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
        using var model = new DiT(DiTConfig.Tiny with { InputSize = 64, PatchSize = 16, InChannels = 1, NumClasses = 10 });
        using var small = zeros(4, 1, 32, 32);
        using var labels = zeros(4, dtype: int64);
        var e = Assert.Throws<ArgumentException>(() => ContentScore.Score(detector, model, small, labels, 1, 16, steps: 2));
        Assert.Contains("another autoencoder", e.Message);
    }
}
