using System.Text.Json;
using Cmd.Metrics.Clip;

namespace Cmd.Tests.Metrics.Clip;

/// <summary>Runs only when WORKBENCH_CLIP_VOCAB points at the real bpe_simple_vocab_16e6.txt.gz (not committed: 1.3 MB).</summary>
public sealed class RealClipVocabFactAttribute : FactAttribute
{
    public RealClipVocabFactAttribute()
    {
        if (!File.Exists(Environment.GetEnvironmentVariable(ClipTokenizer.EnvironmentVariable) ?? ""))
            Skip = $"set {ClipTokenizer.EnvironmentVariable} to openai/CLIP's clip/bpe_simple_vocab_16e6.txt.gz to check the real vocabulary";
    }
}

public class ClipTokenizerTests
{
    static readonly string Dir = MetricsFixtures.Dir("clip");
    static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "tokenizer.json"))).RootElement;

    static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    static void MatchesOfficial(ClipTokenizer tok, JsonElement expected)
    {
        Assert.Equal(expected.GetProperty("sot").GetInt32(), tok.StartToken);
        Assert.Equal(expected.GetProperty("eot").GetInt32(), tok.EndToken);
        Assert.Equal(expected.GetProperty("vocab_size").GetInt32(), tok.VocabSize);
        foreach (var c in expected.GetProperty("captions").EnumerateArray())
        {
            string text = c.GetProperty("text").GetString()!;
            Assert.True(Ints(c.GetProperty("encode")).SequenceEqual(tok.Encode(text)), $"encode '{text}': [{string.Join(",", tok.Encode(text))}]");
            var row = tok.TokenizeIds([text])[0];
            var official = Ints(c.GetProperty("tokenize"));
            Assert.Equal(ClipTokenizer.ContextLength, row.Length);
            Assert.Equal(official, row[..official.Length]);
            Assert.All(row[official.Length..], v => Assert.Equal(0, v));
            Assert.Equal(c.GetProperty("decode").GetString(), tok.Decode(tok.Encode(text)));
        }
        var longCase = expected.GetProperty("long");
        string longText = longCase.GetProperty("text").GetString()!;
        Assert.Equal(Ints(longCase.GetProperty("truncate")), tok.TokenizeIds([longText], truncate: true)[0]);
        var error = Assert.Throws<ArgumentException>(() => tok.TokenizeIds(["fine", longText]));
        Assert.StartsWith(longCase.GetProperty("error").GetString()!, error.Message);
        Assert.Contains($"({longCase.GetProperty("tokens").GetInt32()} tokens", error.Message);
        Assert.Equal(Ints(expected.GetProperty("context_16")), tok.TokenizeIds([expected.GetProperty("captions")[11].GetProperty("text").GetString()!], 16, truncate: true)[0]);
    }

    [Fact]
    public void TinyVocabularyGivesTheOfficialTokenizerIds()
    {
        var tok = ClipTokenizer.Load(Path.Combine(Dir, "tiny_bpe_vocab.txt.gz"));
        Assert.Equal(Expected.GetProperty("merges").GetInt32(), tok.MergeCount);
        MatchesOfficial(tok, Expected.GetProperty("tiny"));
        using var t = tok.Tokenize(["a red car driving down the road", ""]);
        Assert.Equal(new long[] { 2, 77 }, t.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Int64, t.dtype);
        Assert.Equal(tok.EndToken, t[1, 1].item<long>());
    }

    [RealClipVocabFact]
    public void RealVocabularyGivesTheOfficialTokenizerIds()
    {
        var tok = ClipTokenizer.Load(Environment.GetEnvironmentVariable(ClipTokenizer.EnvironmentVariable)!);
        Assert.Equal(ClipTokenizer.MaxMerges, tok.MergeCount);
        Assert.Equal(49406, tok.StartToken);
        MatchesOfficial(tok, Expected.GetProperty("real"));
    }

    [Fact]
    public void FtfyFixesOfNonMojibakeTextMatchFtfy()
    {
        Assert.StartsWith("ftfy 6.", Expected.GetProperty("ftfy").GetString());
        int checkedCount = 0;
        foreach (var kv in Expected.GetProperty("fix_text").EnumerateObject())
        {
            if (kv.Name.Contains("mojibake"))
            {
                Assert.Equal(kv.Name, ClipTextFix.Fix(kv.Name)); // ftfy's mojibake repair is not reproduced (documented)
                continue;
            }
            Assert.Equal(kv.Value.GetString(), ClipTextFix.Fix(kv.Name));
            checkedCount++;
        }
        Assert.Equal(8, checkedCount);
    }

    [Fact]
    public void CleaningAndBadVocabularies()
    {
        Assert.Equal("a man & his dog <3", ClipTokenizer.Clean("  A MAN &amp;amp; his\t\n dog &lt;3 "));
        Assert.Contains("not found", Assert.Throws<FileNotFoundException>(() => ClipTokenizer.Load("/nope/bpe.txt.gz")).Message);
        Assert.Contains("not a gzip", Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(Path.Combine(Dir, "make_fixtures.py"))).Message);
        Assert.Contains("line 3 is not a BPE merge", Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromText("#v\na b\na b c")).Message);
        Assert.Contains("no BPE merges", Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromText("#version only")).Message);
        // an empty last line takes a vocabulary slot, as in the official code (merges[1:...] keeps '')
        Assert.Equal(ClipTokenizer.FromText("#v\na b").StartToken + 1, ClipTokenizer.FromText("#v\na b\n").StartToken);
        Assert.Equal("x.gz", ClipTokenizer.ResolvePath("x.gz"));
    }
}
