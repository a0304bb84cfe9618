using Cmd.Data;
using Cmd.Evaluation;

namespace Cmd.Tests.Evaluation;

/// <summary>A ratio scored against several draws of held-out clips: the summary's arithmetic, and draws that are
/// independent sets with draw 0 the usual one.</summary>
public class ReferenceDrawsTests
{
    [Fact]
    public void TheSummaryGivesMeansSampleSdsAndTheRatioOverTheMeanFloor()
    {
        var s = ReferenceDraws.Of([(30, 10), (30, 15), (36, 20)], 256);
        Assert.Equal((3, 256), (s.Draws, s.Count));
        Assert.Equal((32.0, 15.0), (s.FvdMean, s.FloorMean));
        Assert.Equal(Math.Sqrt(12), s.FvdSd, 12);                                  // n - 1 in the denominator
        Assert.Equal(5.0, s.FloorSd, 12);
        Assert.Equal(32.0 / 15, s.RatioOfMeans, 12);                               // not the mean of 3, 2 and 1.8
        Assert.Equal((3 + 2 + 1.8) / 3, s.RatioMean, 12);
        Assert.Equal((1.8, 3.0), (s.RatioMin, s.RatioMax));
        Assert.Equal("motion over 3 reference draws of 256 held-out clips: FVD-local 32.0 (sd 3.5), real vs real " +
                     "15.0 (sd 5.0), FVD-local over the mean floor 2.13x; per draw 2.27x (sd 0.64; 1.80x to 3.00x)",
            s.Format("motion"));
        var one = Assert.Throws<ArgumentException>(() => ReferenceDraws.Of([(30, 10)], 256));
        Assert.Contains("at least 2 draws (got 1)", one.Message);
        var zero = Assert.Throws<ArgumentException>(() => ReferenceDraws.Of([(30, 10), (30, 0)], 256));
        Assert.Contains("floor above 0", zero.Message);
        Assert.Throws<ArgumentException>(() => ReferenceDraws.Of([(30, 10), (double.NaN, 10)], 256));
    }

    [Fact]
    public void DrawZeroIsTheUsualHeldOutSetAndOtherDrawsAreOtherClips()
    {
        var shape = MovingMnistConfig.Small;
        var usual = new MovingMnist(shape with { Split = MnistSplit.Test }, 4, seed: MovingMnist.EvaluationSeed);
        var zero = FvdEvaluation.HeldOut(shape, 4);
        var one = FvdEvaluation.HeldOut(shape, 4, draw: 1);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(usual.Tracks(i).Select(t => t.DigitIndex), zero.Tracks(i).Select(t => t.DigitIndex));
            Assert.Equal(usual.Tracks(i)[0].Top, zero.Tracks(i)[0].Top);
        }
        Assert.NotEqual(Enumerable.Range(0, 4).Select(i => zero.Tracks(i)[0].Top[0]),
            Enumerable.Range(0, 4).Select(i => one.Tracks(i)[0].Top[0]));
        Assert.Equal(MnistSplit.Test, one.Config.Split);                          // still digits the detector never saw
        var negative = Assert.Throws<ArgumentException>(() => FvdEvaluation.HeldOut(shape, 4, -1));
        Assert.Contains("0 or more", negative.Message);
    }
}
