using Cmd.Studies;

namespace Cmd.Tests.Studies;

/// <summary>Spreads over seeds and the paired test of an ordering, against scipy.</summary>
public class SeedStatisticsTests
{
    [Fact]
    public void PairedTestMatchesScipy()
    {
        // /usr/bin/python3 -c "from scipy import stats; print(stats.ttest_rel([3,5,7.5],[2,3,4.5], alternative='greater'))"
        // -> statistic=3.464101615137755, pvalue=0.03708995011372426
        var less = new Dictionary<int, double> { [0] = 2, [1] = 3, [2] = 4.5 };
        var greater = new Dictionary<int, double> { [0] = 3, [1] = 5, [2] = 7.5 };
        var o = SeedStatistics.Compare("a < b", less, greater);
        Assert.Equal(3.464101615137755, o.T!.Value, 10);
        Assert.Equal(0.03708995011372426, o.P!.Value, 8);
        Assert.Equal((3, 3), (o.Agree, o.Pairs));
        Assert.True(o.Holds);
        Assert.Equal("holds", o.Verdict);
        Assert.Equal("a < b in 3 of 3 seeds", o.SeedAgreement);
        Assert.Equal("paired t-test, one-sided, n=3: t = 3.46, p = 0.037", o.Test);
    }

    [Fact]
    public void OrderingsCountOnlySeedsBothSidesHaveAndSayWhenNoTestIsPossible()
    {
        var less = new Dictionary<int, double> { [0] = 5, [1] = 1, [2] = 30 };
        var greater = new Dictionary<int, double> { [0] = 4, [1] = 3 };
        var o = SeedStatistics.Compare("x < y", less, greater);
        Assert.Equal((1, 2), (o.Agree, o.Pairs));
        Assert.Null(o.P);
        Assert.Equal("n=2: too few pairs for a test", o.Test);
        // seed 2 has no greater cell yet: judged on seeds 0 and 1 (means 3 < 3.5), not on 12 against 3.5
        Assert.Equal(0.5, o.MeanDifference, 12);
        Assert.True(o.Holds);
        Assert.Equal("holds on the means; untested (n=2)", o.Verdict);
        var worse = SeedStatistics.Compare("x < y", less, new Dictionary<int, double> { [0] = 4, [1] = 1.5 });
        Assert.Equal("does not hold", worse.Verdict); // paired means 3 vs 2.75
        var same = SeedStatistics.Compare("x < y", new Dictionary<int, double> { [0] = 1, [1] = 2, [2] = 3 }, new Dictionary<int, double> { [0] = 2, [1] = 3, [2] = 4 });
        Assert.Equal("differences identical in every seed: no test", same.Test);
        Assert.Equal("not measured", SeedStatistics.Compare("x < y", new Dictionary<int, double>(), greater).Verdict);
    }

    [Fact]
    public void AClaimTheTestDoesNotBackHoldsOnlyOnTheMeans()
    {
        // /usr/bin/python3 -c "from scipy import stats; print(stats.ttest_rel([3,2,4.2],[2,3,4], alternative='greater'))"
        // -> statistic=0.114707866935281, pvalue=0.4595773958272778
        var o = SeedStatistics.Compare("a < b", new Dictionary<int, double> { [0] = 2, [1] = 3, [2] = 4 },
            new Dictionary<int, double> { [0] = 3, [1] = 2, [2] = 4.2 });
        Assert.Equal(0.4595773958272778, o.P!.Value, 8);
        Assert.True(o.Holds);
        Assert.Equal("holds on the means; not significant (p = 0.46)", o.Verdict);
        var same = SeedStatistics.Compare("a < b", new Dictionary<int, double> { [0] = 1, [1] = 2, [2] = 3 },
            new Dictionary<int, double> { [0] = 2, [1] = 3, [2] = 4 });
        Assert.Equal("holds", same.Verdict); // every seed agrees by the same amount
    }

    [Fact]
    public void SeedsToSeparateAClaimMatchTheNoncentralTPower()
    {
        // differences -0.5, 0.5, 1.5: mean 0.5, std 1 (effect 0.5), p = 0.24. The t-quantile approximation gives 27;
        // /usr/bin/python3 (scipy): 1 - nct.cdf(t.ppf(0.95, n-1), n-1, sqrt(n) * 0.5) = 0.812 at n=27, 0.798 at n=26
        var o = SeedStatistics.Compare("a < b", new Dictionary<int, double> { [0] = 1, [1] = 1, [2] = 1 },
            new Dictionary<int, double> { [0] = 0.5, [1] = 1.5, [2] = 2.5 });
        Assert.Equal(1.0, o.DifferenceStd, 12);
        Assert.Equal(27, o.SeedsToSeparate);
        var tiny = SeedStatistics.Compare("a < b", new Dictionary<int, double> { [0] = 0, [1] = 0, [2] = 0 },
            new Dictionary<int, double> { [0] = -1, [1] = 1, [2] = 0.0001 });
        Assert.Equal(SeedStatistics.Ordering.MaxSeeds + 1, tiny.SeedsToSeparate);
        var significant = SeedStatistics.Compare("a < b", new Dictionary<int, double> { [0] = 2, [1] = 3, [2] = 4.5 },
            new Dictionary<int, double> { [0] = 3, [1] = 5, [2] = 7.5 });
        Assert.Null(significant.SeedsToSeparate); // p = 0.037: separated already
    }

    [Fact]
    public void MeansAreShownInTheOrderTheClaimNamesThem()
    {
        var less = new Dictionary<int, double> { [0] = 22 };
        var greater = new Dictionary<int, double> { [0] = 24 };
        Assert.Equal((24.0, 22.0), SeedStatistics.Compare("PSNR: D=16 > D=8", less, greater).MeansInTextOrder);
        Assert.Equal((22.0, 24.0), SeedStatistics.Compare("D=16 < D=8", less, greater).MeansInTextOrder);
    }

    [Fact]
    public void SpreadIsMeanAndSampleStandardDeviation()
    {
        var s = SeedStatistics.Of([1.0, 2.0, 4.0]);
        Assert.Equal(7.0 / 3, s.Mean, 12);
        Assert.Equal(Math.Sqrt(((1 - 7.0 / 3) * (1 - 7.0 / 3) + (2 - 7.0 / 3) * (2 - 7.0 / 3) + (4 - 7.0 / 3) * (4 - 7.0 / 3)) / 2), s.Std, 12);
        Assert.Equal("2.3 ± 1.5 (n=3)", s.ToString()); // the spread to 2 significant digits, the mean to its place
        Assert.Equal("5 (n=1)", SeedStatistics.Of([5.0]).ToString());
        Assert.Equal("—", SeedStatistics.Of([]).ToString());
    }
}
