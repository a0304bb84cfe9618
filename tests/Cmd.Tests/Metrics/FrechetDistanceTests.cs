using System.Text.Json;
using Cmd.Metrics;
using MathNet.Numerics.LinearAlgebra;

namespace Cmd.Tests.Metrics;

public class FrechetDistanceTests
{
    static readonly string Dir = MetricsFixtures.Dir("frechet");
    static double Expected(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))).RootElement.GetProperty(name).GetProperty("scipy_sqrtm").GetDouble();

    [Theory]
    [InlineData("fullrank")]
    [InlineData("rankdef")] // 12 and 15 samples in 40 dims
    [InlineData("float32")]
    public void MatchesScipySqrtmReference(string name)
    {
        var a = GaussianStats.Load(Path.Combine(Dir, $"{name}_a.safetensors"));
        var b = GaussianStats.Load(Path.Combine(Dir, $"{name}_b.safetensors"));
        double fd = FrechetDistance.Compute(a, b), expected = Expected(name);
        Assert.True(Math.Abs(fd - expected) <= 1e-6 * Math.Abs(expected), $"{name}: {fd:R} vs scipy {expected:R}");
        Assert.Equal(fd, FrechetDistance.Compute(b, a), 1e-8 * Math.Abs(expected)); // symmetric
    }

    [Fact]
    public void RankDeficientCovarianceReallyIsRankDeficient()
    {
        var a = GaussianStats.Load(Path.Combine(Dir, "rankdef_a.safetensors"));
        Assert.True(a.Count < a.Dims);
        Assert.Equal((int)a.Count - 1, a.Sigma.Rank());
    }

    [Fact]
    public void PvdmSvdAgreesOnWellPosedInputs()
    {
        var a = GaussianStats.Load(Path.Combine(Dir, "fullrank_a.safetensors"));
        var b = GaussianStats.Load(Path.Combine(Dir, "fullrank_b.safetensors"));
        double expected = Expected("fullrank");
        Assert.True(Math.Abs(FrechetDistance.Compute(a, b, TraceSqrtMethod.PvdmSvd) - expected) <= 1e-6 * expected);
    }

    [Fact]
    public void PrecomputedStatsGiveTheSameDistance()
    {
        var stats = GaussianStats.Load(Path.Combine(Dir, "fullrank_a_stats.safetensors"));
        Assert.Equal(400, stats.Count);
        var b = GaussianStats.Load(Path.Combine(Dir, "fullrank_b.safetensors"));
        double expected = Expected("fullrank");
        Assert.True(Math.Abs(FrechetDistance.Compute(stats, b) - expected) <= 1e-6 * expected);
    }

    [Fact]
    public void StatsRoundTripThroughSafetensors()
    {
        var a = GaussianStats.Load(Path.Combine(Dir, "float32_a.safetensors"));
        string path = Path.Combine(Path.GetTempPath(), $"stats-{Guid.NewGuid():N}.safetensors");
        try
        {
            a.Save(path, new Dictionary<string, string> { ["protocol"] = "test" });
            var back = GaussianStats.Load(path);
            Assert.Equal(a.Count, back.Count);
            Assert.Equal(0, FrechetDistance.Compute(a, back), 9);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void IdenticalSetsAreAtZeroAndShiftAddsSquaredMean()
    {
        var rng = new Random(3);
        var x = Matrix<double>.Build.Dense(50, 8, (_, _) => rng.NextDouble());
        Assert.Equal(0, FrechetDistance.Compute(x, x), 9);
        Assert.Equal(8 * 0.25, FrechetDistance.Compute(x, x + 0.5), 9);
    }

    [Fact]
    public void BadInputsAreClearErrors()
    {
        var x = Matrix<double>.Build.Dense(10, 4, 1.0);
        var y = Matrix<double>.Build.Dense(10, 5, 1.0);
        Assert.Contains("dimensions differ", Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(x, y)).Message);
        Assert.Contains("at least 2", Assert.Throws<ArgumentException>(() => GaussianStats.FromFeatures(Matrix<double>.Build.Dense(1, 4))).Message);
        Assert.Throws<FileNotFoundException>(() => GaussianStats.Load("/nonexistent/x.safetensors"));
    }
}
