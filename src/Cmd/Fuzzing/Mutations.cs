using System.Text;
using System.Text.RegularExpressions;

namespace Cmd.Fuzzing;

/// <summary>Byte- and token-level mutations of files; each returns the mutated copy and says what it did.</summary>
public static partial class Mutations
{
    static readonly byte[] InterestingBytes = [0, 1, 0x7f, 0x80, 0xff, (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']',
        (byte)',', (byte)':', (byte)'-', (byte)'0', (byte)'9', (byte)'\\', (byte)' ', (byte)'\n', 0xc3, 0xed];
    static readonly string[] InterestingNumbers = ["-1", "0", "1", "7", "-9223372036854775808", "9223372036854775807",
        "18446744073709551616", "1e30", "0.5", "-0", "4294967296", "NaN", "1e-7", "00", "99999999999999999999999"];
    static readonly string[] InterestingStrings = ["", "F32", "I32", "F16", "BF16", "I64", "U8", "BOOL", "F64", "F8_E4M3", "__metadata__",
        "\\u0000", "\\ud800", "é", "../x", "a\\\"b", new string('x', 300)];

    /// <summary>A random raw mutation anywhere in <paramref name="data"/> (positions in [from, to) when given).</summary>
    public static (byte[] Data, string What) Raw(byte[] data, Random r, int from = 0, int to = -1)
    {
        if (to < 0 || to > data.Length) to = data.Length;
        if (from >= to) { from = 0; to = data.Length; }
        int At() => to > from ? r.Next(from, to) : 0;
        var d = data.ToList();
        switch (r.Next(7))
        {
            case 0:
            {
                int n = 1 + r.Next(3), first = At();
                for (int k = 0; k < n && d.Count > 0; k++) { int i = k == 0 ? first : At(); d[i] ^= (byte)(1 << r.Next(8)); }
                return (d.ToArray(), $"flip {n} bit(s) from byte {first}");
            }
            case 1:
            {
                if (d.Count == 0) goto case 3;
                int i = At(); byte v = InterestingBytes[r.Next(InterestingBytes.Length)];
                d[i] = v;
                return (d.ToArray(), $"byte {i} := 0x{v:x2}");
            }
            case 2:
            {
                int at = r.Next(d.Count + 1);
                return (d.Take(at).ToArray(), $"truncate to {at} bytes");
            }
            case 3:
            {
                int at = Math.Min(At(), d.Count), n = 1 + r.Next(16);
                var bytes = Enumerable.Range(0, n).Select(_ => r.Next(2) == 0 ? InterestingBytes[r.Next(InterestingBytes.Length)] : (byte)r.Next(256)).ToArray();
                d.InsertRange(at, bytes);
                return (d.ToArray(), $"insert {n} byte(s) at {at}");
            }
            case 4:
            {
                if (d.Count == 0) goto case 3;
                int at = At(), n = Math.Min(1 + r.Next(16), d.Count - at);
                d.RemoveRange(at, n);
                return (d.ToArray(), $"delete {n} byte(s) at {at}");
            }
            case 5:
            {
                if (d.Count == 0) goto case 3;
                int at = At(), n = Math.Min(1 + r.Next(32), d.Count - at);
                d.InsertRange(at, d.GetRange(at, n));
                return (d.ToArray(), $"duplicate {n} byte(s) at {at}");
            }
            default:
            {
                if (d.Count < 2) goto case 3;
                int a = At(), b = At();
                (d[a], d[b]) = (d[b], d[a]);
                return (d.ToArray(), $"swap bytes {a} and {b}");
            }
        }
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?([eE][-+]?\d+)?")]
    private static partial Regex NumberToken();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringToken();

    /// <summary>A token-level mutation of JSON text: a number or string replaced by a hostile one, an entry dropped or doubled.</summary>
    public static (string Text, string What) Json(string json, Random r)
    {
        int kind = r.Next(5);
        if (kind <= 1 && NumberToken().Matches(json).Count == 0) kind = 2;
        switch (kind)
        {
            case 0 or 1:
            {
                var m = NumberToken().Matches(json);
                var t = m[r.Next(m.Count)];
                string v = r.Next(3) == 0 && long.TryParse(t.Value, out long n) ? (n + r.Next(-8, 9)).ToString() : InterestingNumbers[r.Next(InterestingNumbers.Length)];
                return (json[..t.Index] + v + json[(t.Index + t.Length)..], $"number {t.Value} at {t.Index} := {v}");
            }
            case 2 or 3:
            {
                var m = StringToken().Matches(json);
                if (m.Count == 0) return (json + " ", "append a space");
                var t = m[r.Next(m.Count)];
                string v = r.Next(4) == 0 ? "[" + t.Value + "]" : r.Next(3) == 0 ? "null" : "\"" + InterestingStrings[r.Next(InterestingStrings.Length)] + "\"";
                return (json[..t.Index] + v + json[(t.Index + t.Length)..], $"string {Short(t.Value)} at {t.Index} := {Short(v)}");
            }
            default:
            {
                // drop or double a "key": {...} or "key": value entry (up to the next comma at the same depth)
                var m = StringToken().Matches(json).Where(x => x.Index + x.Length < json.Length && json[x.Index + x.Length] == ':').ToList();
                if (m.Count == 0) return (json + " ", "append a space");
                var key = m[r.Next(m.Count)];
                int end = EntryEnd(json, key.Index + key.Length + 1);
                string entry = json[key.Index..end];
                bool drop = r.Next(2) == 0;
                string text = drop ? json[..key.Index] + json[end..].TrimStart(',') : json[..end] + "," + entry + json[end..];
                return (text, $"{(drop ? "drop" : "double")} entry {Short(key.Value)}");
            }
        }
    }

    static int EntryEnd(string json, int from)
    {
        int depth = 0;
        bool inString = false;
        for (int i = from; i < json.Length; i++)
        {
            char c = json[i];
            if (inString) { if (c == '\\') i++; else if (c == '"') inString = false; continue; }
            if (c == '"') inString = true;
            else if (c is '{' or '[') depth++;
            else if (c is '}' or ']') { if (depth == 0) return i; depth--; }
            else if (c == ',' && depth == 0) return i;
        }
        return json.Length;
    }

    static readonly string[] TextPieces = ["\"", ",", "\n", "\r", "\r\n", "..", "/", "\\", "\0", "\t", " ", "\"\"", ",,,", "é", "\ud83d\ude00",
        new string('a', 5000), "-1", "0", "99999999999", "/etc/passwd", "../../x"];

    /// <summary>A mutation of line-oriented text (CSV, list files): a hostile piece inserted, a line dropped, doubled or cut.</summary>
    public static (string Text, string What) Text(string text, Random r)
    {
        var lines = text.Split('\n').ToList();
        int li = r.Next(lines.Count);
        switch (r.Next(5))
        {
            case 0 or 1:
            {
                int at = r.Next(text.Length + 1);
                string piece = TextPieces[r.Next(TextPieces.Length)];
                return (text[..at] + piece + text[at..], $"insert {Short(piece)} at {at}");
            }
            case 2:
                lines.RemoveAt(li);
                return (string.Join('\n', lines), $"drop line {li + 1}");
            case 3:
                lines.Insert(li, lines[li]);
                return (string.Join('\n', lines), $"double line {li + 1}");
            default:
            {
                int cut = lines[li].Length == 0 ? 0 : r.Next(lines[li].Length);
                lines[li] = lines[li][..cut];
                return (string.Join('\n', lines), $"cut line {li + 1} at {cut}");
            }
        }
    }

    static string Short(string s) => (s.Length > 24 ? s[..24] + "…" : s).Replace("\n", "\\n").Replace("\r", "\\r").Replace("\0", "\\0");

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
