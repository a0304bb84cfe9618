using System.Globalization;
using System.Text;

namespace Cmd.Reports;

/// <summary>Reading back the CSV files the curve reports write (a snapshot's path may hold a comma, so it is quoted).
/// </summary>
static class CsvFields
{
    /// <summary>The fields of one line; a quoted field keeps its commas.</summary>
    public static List<string> Split(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        foreach (char c in line)
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        fields.Add(current.ToString());
        return fields;
    }

    /// <summary>A field as a number, or a clear error naming the file, the row and the column.</summary>
    public static double Number(string path, int row, string column, string field) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new FormatException($"{path}: row {row}, column '{column}': '{field}' is not a number");

    /// <summary>A number as the CSV keeps it (round-trip; NaN as an empty field).</summary>
    public static string Format(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
}
