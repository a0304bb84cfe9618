using System.Globalization;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace Cmd.Studies;

/// <summary>Spreads over seeds and whether an ordering the paper claims holds here, seed by seed and by a paired test.</summary>
public static class SeedStatistics
{
    /// <summary>Mean and sample standard deviation (n - 1; NaN for one value) of a cell's metric over seeds.</summary>
    public sealed record Spread(double Mean, double Std, int N)
    {
        /// <summary>"22.10 ± 0.31 (n=3)", as <see cref="SpreadFormat.MeanStd"/> writes it.</summary>
        public override string ToString() => SpreadFormat.MeanStd(Mean, Std, N);
    }

    public static Spread Of(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        return v.Length == 0 ? new Spread(double.NaN, double.NaN, 0)
            : new Spread(v.Mean(), v.Length > 1 ? v.StandardDeviation() : double.NaN, v.Length);
    }

    /// <summary>
    /// The claim "less &lt; greater" checked on the seeds both sides have: means, seeds that agree, and a one-sided paired
    /// t-test of d = greater - less &gt; 0 (n &gt;= 3 pairs and differences that vary; MathNet's Student t).
    /// </summary>
    /// <param name="MeanDifference">Mean of greater - less over the seeds both sides have (NaN without such a seed).</param>
    /// <param name="DifferenceStd">Sample standard deviation of greater - less over those seeds (NaN below two).</param>
    public sealed record Ordering(string Text, Spread Less, Spread Greater, int Agree, int Pairs, double MeanDifference,
        double DifferenceStd, double? T, double? P)
    {
        /// <summary>The paired test's level below which a claim that holds on the means is called significant.</summary>
        public const double Level = 0.05;

        /// <summary>The power <see cref="SeedsToSeparate"/> asks for.</summary>
        public const double Power = 0.8;

        /// <summary>Most seeds <see cref="SeedsToSeparate"/> counts to; beyond it the answer is "more than this".</summary>
        public const int MaxSeeds = 100_000;

        /// <summary>
        /// Seeds per variant a one-sided paired t-test at <see cref="Level"/> needs to find this mean difference with
        /// power <see cref="Power"/>, if the differences spread over seeds as they do here: the smallest n with
        /// sqrt(n) d / s &gt;= t(n-1, 1 - level) + t(n-1, power) (the usual t-quantile approximation). Null where the
        /// claim is already significant, fails on the means, or has no spread yet; <see cref="MaxSeeds"/> + 1 past it.
        /// </summary>
        public int? SeedsToSeparate
        {
            get
            {
                if (!Holds || P is not double p || p < Level || !(DifferenceStd > 0)) return null;
                double effect = MeanDifference / DifferenceStd;
                double z = Normal.InvCDF(0, 1, 1 - Level) + Normal.InvCDF(0, 1, Power); // t quantiles exceed these
                double start = Math.Floor(z * z / (effect * effect));
                if (start > MaxSeeds) return MaxSeeds + 1;
                for (int n = Math.Max(2, (int)start); n <= MaxSeeds; n++)
                {
                    double needed = StudentT.InvCDF(0, 1, n - 1, 1 - Level) + StudentT.InvCDF(0, 1, n - 1, Power);
                    if (Math.Sqrt(n) * effect >= needed) return n;
                }
                return MaxSeeds + 1;
            }
        }

        /// <summary>The claim holds on the means over the seeds both sides have, so a study with cells still to run is
        /// not judged on one side's extra seeds (complete, these are the means over all seeds).</summary>
        public bool Holds => Pairs > 0 && MeanDifference > 0;

        /// <summary>"holds" only where the paired test (or every seed, with identical differences) backs the means;
        /// a claim that holds on the means alone says so, with its p or why there is no test.</summary>
        public string Verdict => Pairs == 0 ? "not measured" : !Holds ? "does not hold"
            : P is double p ? (p < Level ? "holds" : FormattableString.Invariant($"holds on the means; not significant (p = {p:F2})"))
            : Pairs >= 3 && Agree == Pairs ? "holds" : $"holds on the means; untested (n={Pairs})";

        /// <summary>The two means in the order the text names them: "greater vs less" for a claim written with "&gt;".</summary>
        public (double First, double Second) MeansInTextOrder =>
            Text.Contains(" > ") && !Text.Contains(" < ") ? (Greater.Mean, Less.Mean) : (Less.Mean, Greater.Mean);

        /// <summary>e.g. "D=16 &lt; D=8 in 3 of 3 seeds".</summary>
        public string SeedAgreement => Pairs == 0 ? "no seed has both" : $"{Text} in {Agree} of {Pairs} seeds";

        public string Test => P is double p
            ? string.Create(CultureInfo.InvariantCulture, $"paired t-test, one-sided, n={Pairs}: t = {T:F2}, p = {p:F3}")
            : Pairs < 3 ? $"n={Pairs}: too few pairs for a test" : "differences identical in every seed: no test";
    }

    public static Ordering Compare(string text, IReadOnlyDictionary<int, double> less, IReadOnlyDictionary<int, double> greater)
    {
        var seeds = less.Keys.Intersect(greater.Keys).Where(s => !double.IsNaN(less[s]) && !double.IsNaN(greater[s])).Order().ToArray();
        var d = seeds.Select(s => greater[s] - less[s]).ToArray();
        double? t = null, p = null;
        if (d.Length >= 3)
        {
            double sd = d.StandardDeviation();
            if (sd > 0)
            {
                t = d.Mean() / (sd / Math.Sqrt(d.Length));
                p = 1 - StudentT.CDF(0, 1, d.Length - 1, t.Value);
            }
        }
        return new Ordering(text, Of(less.Values), Of(greater.Values), d.Count(x => x > 0), d.Length,
            d.Length > 0 ? d.Mean() : double.NaN, d.Length > 1 ? d.StandardDeviation() : double.NaN, t, p);
    }
}
