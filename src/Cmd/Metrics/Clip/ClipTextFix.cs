using System.Text.RegularExpressions;
using System.Text;

namespace Cmd.Metrics.Clip;

/// <summary>
/// The parts of <c>ftfy.fix_text</c> (ftfy 6, default settings; CLIP's basic_clean calls it) that apply to text which
/// is not mojibake, applied in ftfy's order and repeated until nothing changes: C1 controls read as Windows-1252,
/// Latin ligatures split (ﬁ -> fi), full-width and half-width forms and U+3000 to their normal forms (NFKC of
/// U+FF01..U+FFEF), curly quotes straightened (U+02BC, U+2018..U+201B -> ', U+201C..U+201F -> "), line breaks to
/// "\n", lone surrogates to U+FFFD, terminal escapes and invisible control characters removed, then NFC.
/// Not reproduced: mojibake repair (ftfy's fix_encoding heuristics, e.g. "Ã©" -> "é") and ftfy's own HTML unescaping,
/// which only matters for text escaped three times (CLIP unescapes twice after it).
/// </summary>
public static class ClipTextFix
{
    static readonly Regex TerminalEscape = new("\u001b\\[((?:\\d|;)*)([a-zA-Z])", RegexOptions.Compiled);
    static readonly Regex LineBreak = new("\r\n|[\r\u2028\u2029\u0085]", RegexOptions.Compiled);

    /// <summary>Single characters that spell two or three Latin letters (their Unicode compatibility decompositions).</summary>
    static readonly Dictionary<char, string> Ligatures = new()
    {
        ['Ĳ'] = "IJ", ['ĳ'] = "ij", ['ŉ'] = "ʼn", ['Ǳ'] = "DZ", ['ǲ'] = "Dz", ['ǳ'] = "dz", ['Ǆ'] = "DŽ", ['ǅ'] = "Dž", ['ǆ'] = "dž",
        ['Ǉ'] = "LJ", ['ǈ'] = "Lj", ['ǉ'] = "lj", ['Ǌ'] = "NJ", ['ǋ'] = "Nj", ['ǌ'] = "nj",
        ['ﬀ'] = "ff", ['ﬁ'] = "fi", ['ﬂ'] = "fl", ['ﬃ'] = "ffi", ['ﬄ'] = "ffl", ['ﬅ'] = "ſt", ['ﬆ'] = "st",
    };

    /// <summary>Windows-1252's characters for bytes 0x80..0x9F (undefined bytes keep their code point, as ftfy's "sloppy" codec does).</summary>
    const string Windows1252 = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";

    static readonly Dictionary<char, string> Width = BuildWidthMap();

    public static string Fix(string text)
    {
        for (int round = 0; round < 16; round++)
        {
            var before = text;
            text = Map(text, c => c is >= '\u0080' and <= '\u009F' ? Windows1252[c - 0x80].ToString() : null);
            text = Map(text, c => Ligatures.TryGetValue(c, out var s) ? s : null);
            text = Map(text, c => Width.TryGetValue(c, out var s) ? s : null);
            text = Map(text, c => c is '\u02BC' or (>= '\u2018' and <= '\u201B') ? "'" : c is >= '\u201C' and <= '\u201F' ? "\"" : null);
            text = LineBreak.Replace(text, "\n");
            text = LoneSurrogatesReplaced(text);
            text = TerminalEscape.Replace(text, "");
            text = Map(text, c => IsRemovedControl(c) ? "" : null);
            text = text.Normalize(NormalizationForm.FormC);
            if (text == before) break;
        }
        return text;
    }

    static string Map(string text, Func<char, string?> replace)
    {
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            var r = replace(text[i]);
            if (r is null) { sb?.Append(text[i]); continue; }
            sb ??= new StringBuilder(text, 0, i, text.Length + 8);
            sb.Append(r);
        }
        return sb?.ToString() ?? text;
    }

    /// <summary>ftfy's remove_control_chars: C0 controls except \t \n \f \r, DEL, U+206A..U+206F, the BOM, U+FFF9..U+FFFC.</summary>
    static bool IsRemovedControl(char c) =>
        c is (>= '\u0000' and <= '\u0008') or '\u000B' or (>= '\u000E' and <= '\u001F') or '\u007F'
            or (>= '\u206A' and <= '\u206F') or '\uFEFF' or (>= '\uFFF9' and <= '\uFFFC');

    static string LoneSurrogatesReplaced(string text)
    {
        if (!text.Any(char.IsSurrogate)) return text;
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { sb.Append(text, i++, 2); continue; }
            sb.Append(char.IsSurrogate(text[i]) ? '\uFFFD' : text[i]);
        }
        return sb.ToString();
    }

    static Dictionary<char, string> BuildWidthMap()
    {
        var map = new Dictionary<char, string> { ['\u3000'] = " " };
        for (int i = 0xFF01; i < 0xFFF0; i++)
        {
            var c = ((char)i).ToString();
            string alt;
            try { alt = c.Normalize(NormalizationForm.FormKC); }
            catch (ArgumentException) { continue; } // unassigned code points
            if (alt != c) map[(char)i] = alt;
        }
        return map;
    }
}
