using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using System.Text;
using static TorchSharp.torch;

namespace Cmd.Metrics.Clip;

/// <summary>
/// CLIP's byte-level BPE tokenizer, as openai/CLIP's <c>clip/simple_tokenizer.py</c> and <c>clip.tokenize</c> do it:
/// the merges of <c>bpe_simple_vocab_16e6.txt.gz</c> (gzip; line 0 a header, lines [1, 49152-256-2+1) the merges in rank
/// order), a vocabulary of the 256 byte symbols, the same with <c>&lt;/w&gt;</c>, one entry per merge and
/// <c>&lt;|startoftext|&gt;</c>, <c>&lt;|endoftext|&gt;</c> (ids 49406 and 49407 with the real file); rows of 77 ids
/// (start, BPE ids, end, zeros).
/// <para>Text cleaning: the official code runs <c>ftfy.fix_text</c>, then <c>html.unescape</c> twice, collapses
/// whitespace and lower-cases. ftfy has no .NET port: <see cref="ClipTextFix"/> does its fixes for text that is not
/// mojibake (curly quotes, ligatures, full-width forms, control characters, NFC; checked against ftfy 6.3.1), then we
/// HTML-unescape twice, collapse whitespace and lower-case. Not reproduced: ftfy's mojibake repair, Python's
/// full-Unicode <c>lower()</c> (.NET lower-cases per character) and HTML5 named entities without a semicolon (.NET
/// decodes the HTML 4 set). The pre-tokeniser is .NET's Regex over UTF-16, so letters and digits outside the Basic
/// Multilingual Plane (e.g. U+1D4A5) fall into the "other symbols" class rather than \p{L}/\p{N} as in Python's
/// regex; emoji fall into that class in both.</para>
/// </summary>
public sealed class ClipTokenizer
{
    public const int ContextLength = 77;
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";
    public const string EnvironmentVariable = "WORKBENCH_CLIP_VOCAB";
    /// <summary>The official slice <c>merges[1:49152-256-2+1]</c>: at most 48,894 merges are read.</summary>
    public const int MaxMerges = 49152 - 256 - 2;

    // the official pre-tokeniser: special tokens, English contractions, runs of letters, single digits, runs of other non-space
    static readonly Regex Pattern = new(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    static readonly Regex Whitespace = new(@"\s+", RegexOptions.Compiled);

    readonly Dictionary<string, int> encoder = new(StringComparer.Ordinal);
    readonly string[] decoder;
    readonly Dictionary<(string, string), int> ranks = new();
    readonly Dictionary<string, string> cache = new(StringComparer.Ordinal) { [StartOfText] = StartOfText, [EndOfText] = EndOfText };
    readonly string[] byteToSymbol = ByteSymbols();
    readonly Dictionary<char, byte> symbolToByte;

    /// <summary>Where the merges came from (a file name), for messages.</summary>
    public string Source { get; }
    public int MergeCount { get; }
    public int VocabSize => decoder.Length;
    public int StartToken => encoder[StartOfText];
    public int EndToken => encoder[EndOfText];

    ClipTokenizer(IReadOnlyList<string?> merges, string source)
    {
        Source = source;
        MergeCount = merges.Count;
        var vocab = new List<string>(512 + merges.Count + 2);
        var symbols = SymbolOrder().Select(b => byteToSymbol[b]).ToList(); // bytes_to_unicode().values(): printable bytes first
        vocab.AddRange(symbols);
        vocab.AddRange(symbols.Select(s => s + "</w>"));
        for (int r = 0; r < merges.Count; r++)
        {
            var parts = merges[r] is { } m ? m.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) : [];
            if (parts.Length == 2) ranks[(parts[0], parts[1])] = r; // a later duplicate wins, as in dict(zip(...))
            vocab.Add(string.Concat(parts));
        }
        vocab.Add(StartOfText);
        vocab.Add(EndOfText);
        for (int i = 0; i < vocab.Count; i++) encoder[vocab[i]] = i; // last occurrence wins, as in dict(zip(vocab, ids))
        decoder = vocab.ToArray();
        symbolToByte = Enumerable.Range(0, 256).ToDictionary(b => byteToSymbol[b][0], b => (byte)b);
    }

    /// <summary>Reads a vocabulary in the official format (gzip text: a header line, then "a b" merges in rank order).</summary>
    public static ClipTokenizer Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: CLIP BPE vocabulary not found (bpe_simple_vocab_16e6.txt.gz; give it with --vocab or {EnvironmentVariable})", path);
        string text;
        try
        {
            using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var reader = new StreamReader(gz, new UTF8Encoding(false, true));
            text = reader.ReadToEnd();
        }
        catch (Exception e) when (e is InvalidDataException or DecoderFallbackException)
        {
            throw new InvalidDataException($"{path}: not a gzip-compressed UTF-8 BPE vocabulary like bpe_simple_vocab_16e6.txt.gz ({e.Message})", e);
        }
        return FromText(text, Path.GetFileName(path));
    }

    /// <summary>The vocabulary from the decompressed file text (split on '\n', line 0 skipped, as the official code does).</summary>
    public static ClipTokenizer FromText(string text, string source = "vocabulary")
    {
        var lines = text.Split('\n');
        int end = Math.Min(lines.Length, MaxMerges + 1);
        var merges = new List<string?>(Math.Max(0, end - 1));
        for (int i = 1; i < end; i++)
        {
            int n = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            // the official code keeps an empty line as an empty merge (it takes a vocabulary slot): so do we
            if (n != 2 && n != 0) throw new InvalidDataException($"{source}: line {i + 1} is not a BPE merge of two symbols: '{Truncate(lines[i])}'");
            merges.Add(lines[i]);
        }
        if (merges.Count == 0) throw new InvalidDataException($"{source}: no BPE merges (expected a header line, then one 'a b' merge per line)");
        return new ClipTokenizer(merges, source);
    }

    /// <summary>The path from an option, else <see cref="EnvironmentVariable"/>; a clear error when neither is set.</summary>
    public static string ResolvePath(string? option) =>
        !string.IsNullOrEmpty(option) ? option
        : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env
        : throw new ArgumentException($"no CLIP vocabulary: pass --vocab /path/to/bpe_simple_vocab_16e6.txt.gz or set {EnvironmentVariable} (it ships in openai/CLIP's clip/ folder; the workbench never downloads it)");

    /// <summary>basic_clean + whitespace_clean + lower() (see the class remarks for what of ftfy is reproduced).</summary>
    public static string Clean(string text)
    {
        text = WebUtility.HtmlDecode(WebUtility.HtmlDecode(ClipTextFix.Fix(text))).Trim();
        return Whitespace.Replace(text, " ").Trim().ToLowerInvariant();
    }

    /// <summary>BPE ids of a text, without start/end tokens (SimpleTokenizer.encode).</summary>
    public List<int> Encode(string text)
    {
        var ids = new List<int>();
        foreach (Match m in Pattern.Matches(Clean(text)))
        {
            var symbols = string.Concat(Encoding.UTF8.GetBytes(m.Value).Select(b => byteToSymbol[b]));
            foreach (var piece in Bpe(symbols).Split(' ')) ids.Add(encoder[piece]);
        }
        return ids;
    }

    /// <summary>Text of ids (SimpleTokenizer.decode): '&lt;/w&gt;' becomes a space, bad UTF-8 a replacement character.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var symbols = string.Concat(ids.Select(i => (uint)i < (uint)decoder.Length ? decoder[i] : throw new ArgumentOutOfRangeException(nameof(ids), $"token id {i} outside the vocabulary (0..{decoder.Length - 1})")));
        var bytes = symbols.Select(c => symbolToByte[c]).ToArray();
        return Encoding.UTF8.GetString(bytes).Replace("</w>", " ");
    }

    /// <summary>
    /// clip.tokenize: per text [start] + Encode + [end], zero-padded to <paramref name="contextLength"/>. Too long: with
    /// <paramref name="truncate"/> cut to the context length with the last id replaced by the end token, else the
    /// official error.
    /// </summary>
    public int[][] TokenizeIds(IReadOnlyList<string> texts, int contextLength = ContextLength, bool truncate = false)
    {
        if (contextLength < 2) throw new ArgumentException($"context length must be >= 2 (got {contextLength})");
        var rows = new int[texts.Count][];
        for (int t = 0; t < texts.Count; t++)
        {
            var ids = new List<int> { StartToken };
            ids.AddRange(Encode(texts[t]));
            ids.Add(EndToken);
            if (ids.Count > contextLength)
            {
                if (!truncate) throw new ArgumentException($"Input {texts[t]} is too long for context length {contextLength} ({ids.Count} tokens; CLIP truncates only when asked)");
                ids.RemoveRange(contextLength, ids.Count - contextLength);
                ids[^1] = EndToken;
            }
            rows[t] = new int[contextLength];
            ids.CopyTo(rows[t]);
        }
        return rows;
    }

    /// <summary>clip.tokenize as a tensor: int64 [N, context length] (what encode_text takes).</summary>
    public Tensor Tokenize(IReadOnlyList<string> texts, int contextLength = ContextLength, bool truncate = false)
    {
        var rows = TokenizeIds(texts, contextLength, truncate);
        var flat = rows.SelectMany(r => r.Select(v => (long)v)).ToArray();
        return tensor(flat, [rows.Length, contextLength], dtype: ScalarType.Int64);
    }

    /// <summary>Byte-pair merging of one pre-token (already as byte symbols), lowest rank first: SimpleTokenizer.bpe.</summary>
    string Bpe(string token)
    {
        if (cache.TryGetValue(token, out var cached)) return cached;
        var word = Symbols(token);
        word[^1] += "</w>";
        if (word.Count == 1) return cache[token] = word[0];
        while (word.Count > 1)
        {
            (string, string)? best = null;
            int bestRank = int.MaxValue;
            for (int i = 0; i + 1 < word.Count; i++)
                if (ranks.TryGetValue((word[i], word[i + 1]), out int r) && r < bestRank) { bestRank = r; best = (word[i], word[i + 1]); }
            if (best is not { } pair) break;
            var merged = new List<string>(word.Count);
            for (int i = 0; i < word.Count;)
            {
                if (i + 1 < word.Count && word[i] == pair.Item1 && word[i + 1] == pair.Item2) { merged.Add(pair.Item1 + pair.Item2); i += 2; }
                else merged.Add(word[i++]);
            }
            word = merged;
        }
        return cache[token] = string.Join(' ', word);
    }

    /// <summary>The byte symbols of a token: every byte maps to one UTF-16 char (U+0021..U+0143), so chars are symbols.</summary>
    static List<string> Symbols(string token) => token.Select(c => c.ToString()).ToList();

    /// <summary>bytes_to_unicode: printable Latin-1 bytes map to themselves, the other 68 to U+0100 onwards, in byte order.</summary>
    static string[] ByteSymbols()
    {
        var map = new string[256];
        foreach (var b in Printable()) map[b] = ((char)b).ToString();
        int n = 0;
        for (int b = 0; b < 256; b++)
            if (map[b] is null) map[b] = ((char)(256 + n++)).ToString();
        return map;
    }

    static List<int> Printable() =>
        [.. Enumerable.Range('!', '~' - '!' + 1), .. Enumerable.Range('¡', '¬' - '¡' + 1), .. Enumerable.Range('®', 'ÿ' - '®' + 1)];

    /// <summary>The byte order of the vocabulary's first 256 ids: the 188 printable bytes, then the others ascending.</summary>
    static IEnumerable<int> SymbolOrder()
    {
        var printable = Printable();
        return printable.Concat(Enumerable.Range(0, 256).Except(printable));
    }

    static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
