using System.Globalization;
using Cmd.Studies;

namespace Cmd.Tests.Studies;

/// <summary>How a mean ± std over seeds and a single value are written on the pages and in notebooks 04-06.</summary>
public class SpreadFormatTests
{
    [Theory]
    // results/fig7's cells (committed done markers): the spread to 2 significant digits, the mean to its place
    [InlineData(22.103716505807018, 0.3064271170509295, 3, "22.10 ± 0.31 (n=3)")]
    [InlineData(0.7930090464438802, 0.09872032301971854, 3, "0.793 ± 0.099 (n=3)")]
    [InlineData(0.024789453111111102, 0.0015283545285452995, 3, "0.0248 ± 0.0015 (n=3)")]
    [InlineData(0.003987480911111109, 4.775875736938792e-05, 3, "(3.987 ± 0.048) × 10⁻³ (n=3)")]
    // the spread rounds up into another digit: 0.0996 -> 0.10, not 0.100
    [InlineData(1.23456, 0.0996, 3, "1.23 ± 0.10 (n=3)")]
    [InlineData(-12.3456, 0.678, 3, "-12.35 ± 0.68 (n=3)")]
    [InlineData(-0.001, 0.5, 3, "0.00 ± 0.50 (n=3)")] // no "-0.00"
    [InlineData(4.78e-05, 1.2e-06, 5, "(4.78 ± 0.12) × 10⁻⁵ (n=5)")]
    [InlineData(-4.78e-05, 1.2e-06, 5, "(-4.78 ± 0.12) × 10⁻⁵ (n=5)")]
    [InlineData(1234567.0, 89012.0, 3, "(1.235 ± 0.089) × 10⁶ (n=3)")]
    [InlineData(22116.1024, 2.5422, 2, "22,116.1 ± 2.5 (n=2)")]
    [InlineData(12345.6, 678.9, 3, "12,350 ± 680 (n=3)")] // spread >= 100: the mean to tens
    [InlineData(0.5, 7.0, 3, "0.5 ± 7.0 (n=3)")] // a spread larger than the mean
    // a spread far below the mean: at most 6 significant digits of the mean, the spread 0 at that place
    [InlineData(22.1, 1e-9, 3, "22.1000 ± 0.0000 (n=3)")]
    public void MeanAndSpreadShareTheSpreadsSecondSignificantDigit(double mean, double std, int n, string text)
    {
        Assert.Equal(text, SpreadFormat.MeanStd(mean, std, n));
    }

    [Fact]
    public void EdgeCasesSayWhatThereIs()
    {
        Assert.Equal("5 (n=1)", SpreadFormat.MeanStd(5, double.NaN, 1)); // one seed: no spread
        Assert.Equal("0.02479 (n=1)", SpreadFormat.MeanStd(0.024789, double.NaN, 1));
        Assert.Equal("22.1 ± 0 (n=3)", SpreadFormat.MeanStd(22.1, 0, 3)); // seeds agree exactly
        Assert.Equal("0 ± 0 (n=2)", SpreadFormat.MeanStd(0, 0, 2));
        Assert.Equal("—", SpreadFormat.MeanStd(double.NaN, double.NaN, 0));
        Assert.Equal("—", SpreadFormat.MeanStd(double.NaN, 1, 3));
        Assert.Equal("—", SpreadFormat.MeanStd(1, 1, 0));
        Assert.Equal("5 ± — (n=3)", SpreadFormat.MeanStd(5, double.NaN, 3));
        Assert.Equal("∞ (n=3)", SpreadFormat.MeanStd(double.PositiveInfinity, double.NaN, 3));
        Assert.Equal("—", SeedStatistics.Of([]).ToString());
        Assert.Equal("5 (n=1)", SeedStatistics.Of([5.0, double.NaN]).ToString());
    }

    [Theory]
    [InlineData(56.8, "56.8")]
    [InlineData(5.0, "5")]
    [InlineData(12.947709, "12.95")]
    [InlineData(0.02479, "0.02479")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(0.0, "0")]
    [InlineData(22116.3, "22,116")]
    [InlineData(999.96, "1,000")]
    [InlineData(0.0099996, "0.01")]
    [InlineData(0.0099994, "9.999 × 10⁻³")]
    [InlineData(0.003987, "3.987 × 10⁻³")]
    [InlineData(4.776e-05, "4.776 × 10⁻⁵")]
    [InlineData(-4.776e-05, "-4.776 × 10⁻⁵")]
    [InlineData(1e-12, "1 × 10⁻¹²")]
    [InlineData(1234567.0, "1.235 × 10⁶")]
    [InlineData(999999.6, "1 × 10⁶")]
    [InlineData(double.NaN, "—")]
    [InlineData(double.NegativeInfinity, "-∞")]
    public void OneValueHasFourSignificantDigitsAndNoENotation(double v, string text)
    {
        Assert.Equal(text, SpreadFormat.Value(v));
    }

    [Fact]
    public void TablesGetTheNumbersThePageWrites()
    {
        var (m, s) = SpreadFormat.Rounded(22.103716505807018, 0.3064271170509295, 3);
        Assert.Equal(22.10, m!.Value, 12);
        Assert.Equal(0.31, s!.Value, 12);
        (m, s) = SpreadFormat.Rounded(22116.1024, 2.5422, 2);
        Assert.Equal((22116.1, 2.5), (Math.Round(m!.Value, 9), Math.Round(s!.Value, 9)));
        Assert.Equal(((double?)5, (double?)null), SpreadFormat.Rounded(5, double.NaN, 1));
        Assert.Equal(((double?)7, (double?)0), SpreadFormat.Rounded(7, 0, 3));
        Assert.Equal(((double?)null, (double?)null), SpreadFormat.Rounded(double.NaN, double.NaN, 0));
        Assert.Equal(((double?)22116, (double?)null), SpreadFormat.Rounded(22116.3, double.NaN, 1));
    }

    /// <summary>
    /// Means and spreads over 24 decades, both signs: never E-notation; the written numbers are within half a unit of the
    /// last digit of the true ones, and that digit is the spread's second significant one.
    /// </summary>
    [Fact]
    public void AnySpreadIsWrittenToTwoSignificantDigitsWithTheMeanAtTheSamePlace()
    {
        var random = new Random(15);
        for (int i = 0; i < 5000; i++)
        {
            double std = Math.Pow(10, random.NextDouble() * 24 - 12);
            double mean = std * Math.Pow(10, random.NextDouble() * 6 - 3) * (random.Next(2) == 0 ? -1 : 1); // std/|mean| in [1e-3, 1e3]
            var text = SpreadFormat.MeanStd(mean, std, 3);
            Assert.DoesNotContain("E", text);
            Assert.DoesNotContain("e", text);
            var (m, s, unit) = Parse(text);
            Assert.InRange(Math.Abs(m - mean), 0, unit * 0.5 * (1 + 1e-9) + Math.Abs(mean) * 1e-12);
            Assert.InRange(Math.Abs(s - std), 0, unit * 0.5 * (1 + 1e-9) + std * 1e-12);
            Assert.InRange(Math.Round(s / unit), 10, 99);
        }
    }

    /// <summary>"a ± b (n=3)" or "(a ± b) × 10ᵏ (n=3)": the mean, the std and one unit of their last digit.</summary>
    static (double Mean, double Std, double Unit) Parse(string text)
    {
        const string digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        text = text[..text.IndexOf(" (n=", StringComparison.Ordinal)].Replace(",", "");
        int k = 0;
        if (text.StartsWith('('))
        {
            var power = text[(text.IndexOf("× 10", StringComparison.Ordinal) + 4)..];
            k = int.Parse(string.Concat(power.Select(c => c == '⁻' ? '-' : (char)('0' + digits.IndexOf(c)))), CultureInfo.InvariantCulture);
            text = text[1..text.IndexOf(')')];
        }
        var parts = text.Split(" ± ");
        // decimals written, or for a whole number the zeros after its two significant digits ("680": tens)
        int decimals = parts[1].Contains('.') ? parts[1].Length - parts[1].IndexOf('.') - 1 : 2 - parts[1].Length;
        double scale = Math.Pow(10, k);
        return (double.Parse(parts[0], CultureInfo.InvariantCulture) * scale, double.Parse(parts[1], CultureInfo.InvariantCulture) * scale,
            Math.Pow(10, k - decimals));
    }
}
