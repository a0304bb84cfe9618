using Cmd.Data;
using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using Cmd.Reports;
using static TorchSharp.torch;

namespace Cmd.Tests.Evaluation;

/// <summary>The score of issue 14 on videos whose answer is known: real clips score high, noise scores at chance.</summary>
public class SampleScoreTests
{
    static LocalFvdDetector Shipped() => LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());

    /// <summary>Real clips (training digits, another seed than the held-out set) with their labels, as a samples file.</summary>
    static string RealClipsAsSamples(int n, bool shuffledLabels)
    {
        var data = new MovingMnist(MovingMnistConfig.Small with { Split = MnistSplit.Train }, n, seed: 4321);
        var clips = Enumerable.Range(0, n).Select(data.Get).ToList();
        using var videos = stack(clips.Select(c => c.Frames).ToArray());
        var labels = clips.Select(c => (long)(shuffledLabels ? (c.Label + 5) % 10 : c.Label)).ToList();
        clips.ForEach(c => c.Dispose());
        var dir = Fixtures.TempDir("sample-score");
        using var content = zeros(n, 1, 64, 64);
        return SampleWriter.Write(dir, content, videos, labels).Tensors;
    }

    [Fact]
    public void RealClipsScoreHighAndNearTheFloorAndWrongLabelsDoNot()
    {
        using var detector = Shipped();
        var right = SampleScore.Score(detector, RealClipsAsSamples(48, shuffledLabels: false));
        Assert.True(right.ClassAccuracy >= 0.8, right.ToString());
        Assert.True(right.FvdRatio < 2.5, right.ToString());
        Assert.Equal(48, right.Floor.RealCount);
        var wrong = SampleScore.Score(detector, RealClipsAsSamples(48, shuffledLabels: true));
        Assert.True(wrong.ClassAccuracy < right.ClassAccuracy - 0.3, $"{wrong} vs {right}");
    }

    [Fact]
    public void NoiseScoresFarAboveTheFloor()
    {
        using var detector = Shipped();
        manual_seed(0);
        using var noise = (rand(new long[] { 24, 16, 1, 64, 64 }) * 2 - 1);
        using var labels = arange(24, dtype: int64) % 10;
        var r = SampleScore.Score(detector, noise, labels);
        Assert.True(r.FvdRatio > 5, r.ToString());
        Assert.Contains("no tensor 'label'", Assert.Throws<ArgumentException>(() => SampleScore.Score(detector, NoLabels())).Message);
    }

    [Fact]
    public void SeveralSetsOfOneSizeGiveTheMeanAndSampleSpreadAndOtherSizesAreRefused()
    {
        static SampleScore.Result Set(int n, double accuracy, double fvd) =>
            new(n, accuracy, new FvdResult(fvd, "local", "d", n, n), new FvdResult(20, "local", "d", n, n));
        var spread = SampleScore.Spread.Of([Set(200, 0.80, 80), Set(200, 0.84, 90), Set(200, 0.88, 100)]);
        Assert.Equal((3, 200), (spread.Sets, spread.Count));
        Assert.Equal(0.84, spread.AccuracyMean, 12);
        Assert.Equal(0.04, spread.AccuracySd, 12);                                      // n - 1 in the denominator
        Assert.Equal((4.5, 0.5, 4.0, 5.0), (spread.RatioMean, spread.RatioSd, spread.RatioMin, spread.RatioMax));
        Assert.Equal("3 sets of 200 samples: class accuracy 84.0 % (sd 4.0 points); FVD-local over the floor 4.50 " +
                     "(sd 0.50; 4.00 to 5.00)", spread.ToString());
        var sizes = Assert.Throws<ArgumentException>(
            () => SampleScore.Spread.Of([Set(200, 0.8, 80), Set(100, 0.8, 80)]));
        Assert.Contains("sample sets of 200, 100 videos", sizes.Message);
        Assert.Throws<ArgumentException>(() => SampleScore.Spread.Of([Set(200, 0.8, 80)]));
    }

    [Fact]
    public void OtherReferenceDrawsScoreTheSameVideosAgainstOtherRealClipsAndFloors()
    {
        using var detector = Shipped();
        var file = RealClipsAsSamples(24, shuffledLabels: false);
        var usual = SampleScore.Score(detector, file);
        var draws = SampleScore.ScoreDraws(detector, file, 3);
        Assert.Equal(3, draws.Count);
        Assert.Equal((usual.Fvd.Value, usual.Floor.Value), (draws[0].Fvd.Value, draws[0].Floor.Value));
        Assert.All(draws, d => Assert.Equal((usual.ClassAccuracy, 24), (d.ClassAccuracy, d.Floor.RealCount)));
        Assert.Equal(3, draws.Select(d => d.Floor.Value).Distinct().Count());   // each draw its own held-out clips
        Assert.Equal(3, draws.Select(d => d.Fvd.Value).Distinct().Count());
        var summary = SampleScore.Summary(draws);
        Assert.Equal(draws.Average(d => d.Floor.Value), summary.FloorMean, 9);
        Assert.Equal(draws.Average(d => d.Fvd.Value) / draws.Average(d => d.Floor.Value), summary.RatioOfMeans, 9);
        var none = Assert.Throws<ArgumentException>(() => SampleScore.ScoreDraws(detector, file, 0));
        Assert.Contains("reference draws must be 1 or more (got 0)", none.Message);
    }

    static string NoLabels()
    {
        var path = Path.Combine(Fixtures.TempDir("no-labels"), "videos.safetensors");
        using var v = zeros(new long[] { 2, 16, 1, 64, 64 });
        Cmd.IO.SafeTensors.Save(path, new Dictionary<string, Tensor> { ["videos"] = v });
        return path;
    }
}
