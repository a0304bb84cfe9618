using System.Globalization;
using MathNet.Numerics.Statistics;

namespace Cmd.Evaluation;

/// <summary>
/// An FVD-local ratio measured against several reference draws: independent sets of held-out clips
/// (<see cref="FvdEvaluation.HeldOut"/>, draw 0 the usual one), each giving the real statistics the videos are scored
/// against and its own real-vs-real floor. One draw's floor is one sample of a noisy quantity (session 47: 10.2 to
/// 17.7 over six draws of 256 clips), so a ratio read off one draw is partly that draw's luck. Summarised here: mean
/// and sample sd of FVD-local, of the floor and of the per-draw ratio, and the ratio of the means (FVD-local over the
/// mean floor, which one low floor does not blow up as it does the mean of the per-draw ratios).
/// </summary>
public sealed record ReferenceDraws(int Draws, int Count, double FvdMean, double FvdSd, double FloorMean,
    double FloorSd, double RatioMean, double RatioSd, double RatioMin, double RatioMax)
{
    public double RatioOfMeans => FvdMean / FloorMean;

    /// <summary>Summarises (FVD-local, floor) of each draw, all at <paramref name="count"/> clips.</summary>
    public static ReferenceDraws Of(IReadOnlyList<(double Fvd, double Floor)> draws, int count)
    {
        if (draws.Count < 2)
            throw new ArgumentException($"a spread over reference draws needs at least 2 draws (got {draws.Count})");
        if (draws.Any(d => !(d.Floor > 0) || !double.IsFinite(d.Fvd)))
            throw new ArgumentException("every reference draw needs a finite FVD-local and a floor above 0");
        var fvd = draws.Select(d => d.Fvd).ToArray();
        var floor = draws.Select(d => d.Floor).ToArray();
        var ratio = draws.Select(d => d.Fvd / d.Floor).ToArray();
        return new ReferenceDraws(draws.Count, count, fvd.Mean(), fvd.StandardDeviation(), floor.Mean(),
            floor.StandardDeviation(), ratio.Mean(), ratio.StandardDeviation(), ratio.Min(), ratio.Max());
    }

    /// <summary>E.g. the shipped motion DiT (session 47): "motion prediction from real content frames over 6 reference
    /// draws of 256 held-out clips: FVD-local 27.0 (sd 3.8), real vs real 14.0 (sd 3.3), FVD-local over the mean floor
    /// 1.92x; per draw 1.98x (sd 0.37; 1.55x to 2.44x)".</summary>
    public string Format(string what) => string.Create(CultureInfo.InvariantCulture,
        $"{what} over {Draws} reference draws of {Count} held-out clips: FVD-local {FvdMean:F1} (sd {FvdSd:F1}), " +
        $"real vs real {FloorMean:F1} (sd {FloorSd:F1}), FVD-local over the mean floor {RatioOfMeans:F2}x; " +
        $"per draw {RatioMean:F2}x (sd {RatioSd:F2}; {RatioMin:F2}x to {RatioMax:F2}x)");
}
