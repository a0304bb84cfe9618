using System.Globalization;
using System.Text.RegularExpressions;

namespace Workbench.Notebooks;

/// <summary>
/// Papermill-style parameters: the notebook's cell tagged `parameters` (cell metadata `tags`) declares
/// defaults such as `int steps = 1000;` and `string preset = "small";`; `-p steps=200 -p preset=tiny`
/// adds a cell right after it assigning the new values.
/// </summary>
public static class NotebookParameters
{
    public const string Tag = "parameters";
    public const string InjectedTag = "injected-parameters";

    /// <summary>Parses `key=value` items; throws naming the bad item.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(IEnumerable<string> items)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var item in items)
        {
            var eq = item.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"parameter '{item}' is not of the form key=value");
            var key = item[..eq].Trim();
            if (!Regex.IsMatch(key, @"^[A-Za-z_][A-Za-z0-9_]*$")) throw new ArgumentException($"parameter name '{key}' is not a C# identifier");
            list.Add(new(key, item[(eq + 1)..]));
        }
        return list;
    }

    /// <summary>Names declared in a parameters cell (`type name = value;` at the start of a line).</summary>
    public static IReadOnlyDictionary<string, string> Declared(string code)
    {
        var result = new Dictionary<string, string>();
        foreach (Match m in Regex.Matches(code, @"^\s*(?:var|[A-Za-z_][\w.<>,\[\]?]*)\s+(?<name>[A-Za-z_]\w*)\s*=", RegexOptions.Multiline))
        {
            var type = m.Value.Trim().Split(' ', 2)[0];
            result[m.Groups["name"].Value] = type;
        }
        return result;
    }

    /// <summary>C# assignments for the given values, typed after the declaration in the parameters cell.</summary>
    public static string ToCode(IReadOnlyList<KeyValuePair<string, string>> values, IReadOnlyDictionary<string, string> declared, string notebook)
    {
        var lines = new List<string> { "// Parameters injected by `workbench notebook run -p ...`" };
        foreach (var (key, value) in values)
        {
            if (!declared.TryGetValue(key, out var type))
                throw new ArgumentException($"{notebook}: parameter '{key}' is not declared in the parameters cell (declared: {string.Join(", ", declared.Keys)})");
            lines.Add($"{key} = {Literal(type, value, key, notebook)};");
        }
        return string.Join('\n', lines);
    }

    static string Literal(string type, string value, string key, string notebook)
    {
        bool IsNumber() => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        switch (type)
        {
            case "string":
                return "@\"" + value.Replace("\"", "\"\"") + "\"";
            case "bool":
                if (value is "true" or "false") return value;
                break;
            case "int" or "long" or "short" or "byte":
                if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) return value;
                break;
            case "double" or "float" or "decimal":
                if (IsNumber()) return value + (type == "float" ? "f" : type == "decimal" ? "m" : "");
                break;
            default:
                // var or another type: numbers and booleans stay literals, anything else becomes a string.
                return IsNumber() || value is "true" or "false" ? value : "@\"" + value.Replace("\"", "\"\"") + "\"";
        }
        throw new ArgumentException($"{notebook}: parameter '{key}' is declared {type} but got '{value}'");
    }
}
