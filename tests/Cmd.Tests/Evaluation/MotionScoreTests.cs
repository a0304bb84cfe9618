using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using Cmd.Pipeline;
using static TorchSharp.torch;

namespace Cmd.Tests.Evaluation;

/// <summary>Issue 14's motion check: reconstructions and motion prediction from real content frames, over the floor.</summary>
public class MotionScoreTests
{
    [Fact]
    public void ReconstructionsScoreBelowMotionPredictedByAnUntrainedModel()
    {
        using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
        var shipped = ShippedWeights.Small;
        using var ae = ModelStore.LoadAutoencoder(shipped.Autoencoder);
        var motion = ModelStore.LoadMotion(shipped.Motion);
        using var _ = motion.Model;
        foreach (var p in motion.Model.parameters()) using (no_grad()) p.normal_(0, 0.5);   // z from a model that knows nothing
        manual_seed(0);
        var r = MotionScore.Score(detector, ae, motion, count: 16, steps: 2);
        Assert.Equal(16, r.Count);
        Assert.Equal(16L, r.Floor.RealCount);
        Assert.True(r.Reconstruction.Value < r.MotionPrediction.Value, r.ToString());
        Assert.Equal(r.MotionPrediction.Value / r.Floor.Value, r.MotionPredictionRatio, 9);
    }

    [Fact]
    public void FewerThanTwoClipsAreAClearError()
    {
        using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
        var shipped = ShippedWeights.Small;
        using var ae = ModelStore.LoadAutoencoder(shipped.Autoencoder);
        var motion = ModelStore.LoadMotion(shipped.Motion);
        using var _ = motion.Model;
        var e = Assert.Throws<ArgumentException>(() => MotionScore.Score(detector, ae, motion, count: 1));
        Assert.Contains("at least 2 clips", e.Message);
    }

    [Fact]
    public void AMotionDiTOfAnotherAutoencoderIsAClearError()
    {
        using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
        using var ae = new Cmd.Models.Autoencoder.CmdAutoencoder(Cmd.Presets.RunPresets.Tiny.Autoencoder);
        var motion = ModelStore.LoadMotion(ShippedWeights.Small.Motion);
        using var _ = motion.Model;
        var e = Assert.Throws<ArgumentException>(() => MotionScore.Score(detector, ae, motion, count: 4));
        Assert.Contains("another autoencoder", e.Message);
    }
}
