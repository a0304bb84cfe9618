using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Cmd.Tests.Evaluation;

/// <summary>Issue 14's motion check: reconstructions and motion prediction from real content frames, over the floor.</summary>
public class MotionScoreTests
{
    static MotionScore.Result Score(CmdAutoencoder ae, int count, bool scrambleMotion = false)
    {
        using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
        LoadedDiffusionModel<MotionDiT> motion = ModelStore.LoadMotion(ShippedWeights.Small.Motion);
        using var _ = motion.Model;
        if (scrambleMotion)   // z from a model that knows nothing
            foreach (var p in motion.Model.parameters()) using (no_grad()) p.normal_(0, 0.5);
        manual_seed(0);
        return MotionScore.Score(detector, ae, motion, count, steps: 2);
    }

    static CmdAutoencoder Shipped() => ModelStore.LoadAutoencoder(ShippedWeights.Small.Autoencoder);

    /// <summary>The shipped autoencoder and motion DiT with the FVD-local detector, disposed together.</summary>
    sealed class ShippedSet : IDisposable
    {
        public readonly CmdAutoencoder Ae = Shipped();
        public readonly LocalFvdDetector Detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
        public readonly LoadedDiffusionModel<MotionDiT> Motion = ModelStore.LoadMotion(ShippedWeights.Small.Motion);

        public void Dispose() { Ae.Dispose(); Detector.Dispose(); Motion.Model.Dispose(); }
    }

    [Fact]
    public void ReconstructionsScoreBelowMotionPredictedByAnUntrainedModel()
    {
        using var ae = Shipped();
        var r = Score(ae, count: 16, scrambleMotion: true);
        Assert.Equal(16, r.Count);
        Assert.Equal(16L, r.Floor.RealCount);
        Assert.True(r.Reconstruction.Value < r.MotionPrediction!.Value, r.ToString());
        Assert.Equal(r.MotionPrediction.Value / r.Floor.Value, r.MotionPredictionRatio, 9);
        Assert.Equal(r.OtherClipMotion.Value / r.Floor.Value, r.OtherClipMotionRatio, 9);
        Assert.Contains("another clip's real z", r.ToString());
    }

    [Fact]
    public void WithoutAMotionDiTOnlyTheAutoencodersRowsAreScored()
    {
        using var ae = Shipped();
        using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
        var r = MotionScore.Score(detector, ae, motion: null, count: 8);
        Assert.Null(r.MotionPrediction);
        Assert.True(double.IsNaN(r.MotionPredictionRatio));
        Assert.DoesNotContain("motion prediction", r.ToString());
        Assert.Contains("reconstruction", r.ToString());
    }

    [Fact]
    public void NoiseOnZCostsTheReconstructionsAndNegativeNoiseIsAClearError()
    {
        using var ae = Shipped();
        using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
        manual_seed(0);
        var rows = MotionScore.DecoderSensitivity(detector, ae, 16, [0, 1.0]);
        Assert.Equal([0, 1.0], rows.Select(r => r.Sigma));
        Assert.True(rows[0].Fvd.Value < rows[1].Fvd.Value, $"{rows[0].Fvd.Value} vs {rows[1].Fvd.Value}");
        Assert.Contains("z noise must be >= 0", Assert.Throws<ArgumentException>(() =>
            MotionScore.DecoderSensitivity(detector, ae, 16, [-0.1])).Message);
    }

    [Fact]
    public void DenoisingLightlyNoisedRealZBeatsDenoisingPureNoiseAndBadTimestepsAreClearErrors()
    {
        using var set = new ShippedSet();
        var (ae, detector, motion) = (set.Ae, set.Detector, set.Motion);
        manual_seed(0);
        var rows = MotionScore.FromNoisedReal(detector, ae, motion, 16, [0, 999], steps: 4);
        Assert.Equal([0, 999], rows.Select(r => r.FromT));
        Assert.True(rows[0].Fvd.Value < rows[1].Fvd.Value, $"{rows[0].Fvd.Value} vs {rows[1].Fvd.Value}");
        // keypoint z: from t = 0 the real places come back (to a pixel), from pure noise they are the model's own
        Assert.True(rows[0].Trajectories!.PlaceError < 1 && rows[1].Trajectories!.PlaceError > 1,
            $"{rows[0].Trajectories} vs {rows[1].Trajectories}");
        Assert.Contains("--from-t must be 0-999", Assert.Throws<ArgumentException>(() =>
            MotionScore.FromNoisedReal(detector, ae, motion, 16, [1000])).Message);
    }

    [Fact]
    public void EachSamplerSeedIsScoredOnTheSameClipsAndASeedGivesTheSameScoreTwice()
    {
        using var set = new ShippedSet();
        var (ae, detector, motion) = (set.Ae, set.Detector, set.Motion);
        var r = MotionScore.Score(detector, ae, motion, 8, steps: 2, seeds: [3, 4, 3]);
        Assert.Equal([3, 4, 3], r.BySeed.Select(s => s.Seed));
        Assert.Equal(r.BySeed[0].Fvd.Value, r.BySeed[2].Fvd.Value, 6);
        Assert.NotEqual(r.BySeed[0].Fvd.Value, r.BySeed[1].Fvd.Value);
        Assert.Equal(r.BySeed[0].Fvd.Value, r.MotionPrediction!.Value);
        Assert.Equal(r.BySeed.Average(s => s.Ratio), r.MeanMotionPredictionRatio, 9);
        Assert.Contains("seeds 3, 4, 3", r.SeedLine());
        Assert.Equal(0, r.RealTrajectories!.PlaceError, 6);                  // the shipped z are keypoints
        Assert.True(r.OtherClipTrajectories!.PlaceError > 1, $"{r.OtherClipTrajectories.PlaceError}");
        Assert.All(r.BySeed, s => Assert.NotNull(s.Trajectories));
        Assert.Contains("at least one sampler seed", Assert.Throws<ArgumentException>(() =>
            MotionScore.Score(detector, ae, motion, 8, steps: 2, seeds: [])).Message);
    }

    [Fact]
    public void GuidanceOnTheClassChangesTheDrawnMotionAndNeedsAClassConditionalDiT()
    {
        using var set = new ShippedSet();
        var (ae, detector, motion) = (set.Ae, set.Detector, set.Motion);
        var plain = MotionScore.Score(detector, ae, motion, 8, steps: 2, seeds: [5]);
        var again = MotionScore.Score(detector, ae, motion, 8, steps: 2, seeds: [5], cfgScale: 1.0);
        var guided = MotionScore.Score(detector, ae, motion, 8, steps: 2, seeds: [5], cfgScale: 4.0);
        Assert.Equal(plain.MotionPrediction!.Value, again.MotionPrediction!.Value, 6);
        Assert.NotEqual(plain.BySeed[0].Trajectories!.Speed, guided.BySeed[0].Trajectories!.Speed);
        var unconditional = motion with { Model = new MotionDiT(motion.Model.Config with { Condition = MotionCondition.None }) };
        using var _ = unconditional.Model;
        Assert.Contains("needs a class-conditional motion DiT", Assert.Throws<ArgumentException>(() =>
            MotionScore.Score(detector, ae, unconditional, 8, steps: 2, cfgScale: 4.0)).Message);
    }

    [Fact]
    public void FewerThanTwoClipsAreAClearError()
    {
        using var ae = Shipped();
        var e = Assert.Throws<ArgumentException>(() => Score(ae, count: 1));
        Assert.Contains("at least 2 clips", e.Message);
    }

    [Fact]
    public void AMotionDiTOfAnotherAutoencoderIsAClearError()
    {
        using var ae = new CmdAutoencoder(RunPresets.Tiny.Autoencoder);
        var e = Assert.Throws<ArgumentException>(() => Score(ae, count: 4));
        Assert.Contains("another autoencoder", e.Message);
    }
}
