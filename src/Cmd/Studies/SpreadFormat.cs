using System.Globalization;

namespace Cmd.Studies;

/// <summary>
/// How the pages, notebooks 04-06 and `workbench sweep` write a metric over seeds. A mean ± std: the standard deviation
/// to two significant digits and the mean to the same decimal place ("22.10 ± 0.31 (n=3)"). One value: four
/// significant digits, whole numbers from 1,000 on ("56.8", "22,116"). Below 0.01 and from a million on, both scaled by
/// one power of ten ("(3.987 ± 0.048) × 10⁻³", "4.776 × 10⁻⁵"); never E-notation. Invariant culture.
/// </summary>
public static class SpreadFormat
{
    /// <summary>Numbers whose decimal exponent is in [MinFixed, MaxFixed) are written plain, others scaled.</summary>
    const int MinFixed = -2, MaxFixed = 6;

    /// <summary>A mean never gets more than this many significant digits (a smaller spread shows as 0 at its last digit).</summary>
    const int MaxMeanDigits = 6;

    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// "22.10 ± 0.31 (n=3)"; "5 (n=1)" (one seed has no spread); "5 ± 0 (n=3)" when the seeds agree exactly; "—" for
    /// no values.
    /// </summary>
    public static string MeanStd(double mean, double std, int n)
    {
        if (n <= 0 || double.IsNaN(mean)) return "—";
        var count = $"(n={n})";
        if (n == 1 || double.IsInfinity(mean)) return $"{Value(mean)} {count}";
        if (!double.IsFinite(std) || std < 0) return $"{Value(mean)} ± — {count}";
        if (std == 0) return $"{Value(mean)} ± 0 {count}";
        var (m, s, place) = Round(mean, std);
        int k = Exponent(Math.Max(Math.Abs(m), s));
        return k < MinFixed || k >= MaxFixed
            ? $"({Fixed(m / Pow10(k), k - place)} ± {Fixed(s / Pow10(k), k - place)}) × 10{Superscript(k)} {count}"
            : $"{Fixed(m, -place)} ± {Fixed(s, -place)} {count}";
    }

    /// <summary>One value: "56.8", "0.02479", "22,116", "4.776 × 10⁻⁵"; "—" for NaN.</summary>
    public static string Value(double v)
    {
        if (double.IsNaN(v)) return "—";
        if (double.IsInfinity(v)) return v > 0 ? "∞" : "-∞";
        if (v == 0) return "0";
        double r = RoundValue(v);
        int k = Exponent(Math.Abs(r));
        if (k < MinFixed || k >= MaxFixed) return $"{Trim(Fixed(r / Pow10(k), 3))} × 10{Superscript(k)}";
        return k >= 3 ? Fixed(r, 0) : Trim(Fixed(r, 3 - k));
    }

    /// <summary>
    /// The numbers <see cref="MeanStd"/> writes, for tables that keep numbers: the mean and std rounded as written (a
    /// single value as <see cref="Value"/> rounds it, no std); nulls for none.
    /// </summary>
    public static (double? Mean, double? Std) Rounded(double mean, double std, int n)
    {
        if (n <= 0 || double.IsNaN(mean)) return (null, null);
        if (n == 1 || !double.IsFinite(mean) || !double.IsFinite(std) || std < 0) return (RoundValue(mean), null);
        if (std == 0) return (RoundValue(mean), 0);
        var (m, s, _) = Round(mean, std);
        return (m, s);
    }

    /// <summary>
    /// std to two significant digits, mean to the same place (at most <see cref="MaxMeanDigits"/> significant digits);
    /// <c>Place</c> is the decimal exponent of the last digit kept (-2: hundredths).
    /// </summary>
    static (double Mean, double Std, int Place) Round(double mean, double std)
    {
        int place = Exponent(std) - 1;
        if (RoundAt(std, place) >= Pow10(place + 2)) place++; // 0.0996 -> 0.10, not 0.100
        if (mean != 0) place = Math.Max(place, Exponent(Math.Abs(mean)) - (MaxMeanDigits - 1));
        return (RoundAt(mean, place) + 0.0, RoundAt(std, place), place); // + 0.0: no "-0.00"
    }

    /// <summary>Four significant digits; whole numbers from 1,000 up to a million.</summary>
    static double RoundValue(double v)
    {
        int k = Exponent(Math.Abs(v));
        return RoundAt(v, k >= 3 && k < MaxFixed ? 0 : k - 3) + 0.0;
    }

    static double RoundAt(double v, int place) => place >= 0
        ? Math.Round(v / Pow10(place), MidpointRounding.AwayFromZero) * Pow10(place)
        : Math.Round(v * Pow10(-place), MidpointRounding.AwayFromZero) / Pow10(-place);

    /// <summary>floor(log10 x) for x &gt; 0, exact at powers of ten.</summary>
    static int Exponent(double x)
    {
        int k = (int)Math.Floor(Math.Log10(x));
        if (Pow10(k) > x) k--;
        else if (Pow10(k + 1) <= x) k++;
        return k;
    }

    static double Pow10(int k) => Math.Pow(10, k);

    static string Fixed(double v, int decimals) => (v + 0.0).ToString("N" + Math.Max(0, decimals), Invariant);

    static string Trim(string s) => s.Contains('.') ? s.TrimEnd('0').TrimEnd('.') : s;

    static string Superscript(int k) => string.Concat(k.ToString(Invariant).Select(c => c == '-' ? '⁻' : "⁰¹²³⁴⁵⁶⁷⁸⁹"[c - '0']));
}
