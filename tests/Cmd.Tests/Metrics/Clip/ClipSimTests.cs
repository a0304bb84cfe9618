using System.Text.Json;
using Cmd.IO;
using Cmd.Metrics.Clip;
using Cmd.Pipeline;
using static TorchSharp.torch;

namespace Cmd.Tests.Metrics.Clip;

/// <summary>
/// CLIPSIM against PyTorch (tests/fixtures/clip/make_standin_clip.py): a scripted stand-in run through
/// torch.jit.load + invoke, and OpenAI's model.py CLIP at a tiny size, traced and half-cast like ViT-B-32.pt,
/// whose reference is the official clip.load(jit=False).
/// </summary>
public class ClipSimTests
{
    static readonly string Dir = MetricsFixtures.Dir("clip");
    static readonly Dictionary<string, Tensor> Io = SafeTensors.Load(Path.Combine(Dir, "standin_clip_io.safetensors"));
    static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "standin_clip.json"))).RootElement;
    static readonly ClipTokenizer Tokenizer = ClipTokenizer.Load(Path.Combine(Dir, "tiny_bpe_vocab.txt.gz"));
    static readonly string[] Captions = Expected.GetProperty("captions").EnumerateArray().Select(c => c.GetString()!).ToArray();

    /// <summary>The fixture's RGB video [1, 2, 3, 232, 240]: level (i^2 (3 + f) + j^2 (5 + c) + 7 i j + 40 c + 11 i) mod 256, half a level up, in [-1, 1].</summary>
    internal static Tensor RgbVideo()
    {
        var i = arange(232).view(1, 1, 1, 232, 1);
        var j = arange(240).view(1, 1, 1, 1, 240);
        var f = arange(2).view(1, 2, 1, 1, 1);
        var c = arange(3).view(1, 1, 3, 1, 1);
        var levels = (i * i * (f + 3) + j * j * (c + 5) + i * j * 7 + c * 40 + i * 11).remainder(256);
        return ((levels.to(ScalarType.Float64) + 0.5) / 127.5 - 1).to(ScalarType.Float32);
    }

    static (Tensor, IReadOnlyList<string>)[] Sets() => [(Io["grey_videos"], Captions[..2]), (RgbVideo(), Captions[2..])];

    static void Close(Tensor expected, Tensor actual, double atol, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff <= atol, $"{what}: max |diff| {diff:E2} > {atol:E0}");
    }

    static void MatchesPyTorch(IClipModel model, string key, double atol)
    {
        using var probe = model.EncodeImage(Io["probe_images"]);
        Close(Io[$"{key}/probe_embeddings"], probe, atol, "probe embeddings");
        var sets = Sets();
        for (int k = 0; k < sets.Length; k++)
        {
            var (videos, captions) = sets[k];
            using var text = model.EncodeText(Tokenizer.Tokenize(captions));
            Close(Io[$"{key}/set{k}/text_embeddings"], text, atol, $"set {k} text embeddings");
            using var frames = videos.flatten(0, 1);
            using var image = model.EncodeImage(ClipPreprocess.Frames(frames));
            Close(Io[$"{key}/set{k}/image_embeddings"], image, atol, $"set {k} image embeddings");
            using var sim = ClipSim.FrameSimilarities(model, Tokenizer, videos, captions, frameBatch: 3);
            Close(Io[$"{key}/set{k}/frame_similarities"], sim, atol, $"set {k} frame similarities");
        }
        var result = ClipSim.Compute(model, Tokenizer, sets);
        var exp = Expected.GetProperty("clipsim").GetProperty(key);
        Assert.Equal(exp.GetProperty("value").GetDouble(), result.Value, 1e-5);
        Assert.Equal(exp.GetProperty("per_video").EnumerateArray().Select(v => v.GetDouble()), result.PerVideo, (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal(3, result.Videos);
        Assert.Equal(4 * 2 + 2, result.Frames);
        Assert.Contains(model.Name, result.ToString());
        Assert.Contains("not x100", result.ToString());
    }

    [Fact]
    public void StandInTorchScriptIsLoadedAndInvokedLikeClip()
    {
        using var model = ClipModel.Load(Path.Combine(Dir, "standin_clip_torchscript.pt"));
        Assert.IsType<ClipTorchScript>(model);
        Assert.Equal("standin_clip_torchscript.pt", model.Name);
        Assert.Equal(224, model.InputResolution);
        MatchesPyTorch(model, "standin", 1e-5);
    }

    [Fact]
    public void OpenAiArchiveIsRebuiltFromItsHalfPrecisionWeightsLikeClipLoad()
    {
        using var model = ClipModel.Load(Path.Combine(Dir, "tiny_openai_clip.pt"));
        var rebuilt = Assert.IsType<ClipRebuilt>(model);
        Assert.Equal(new ClipConfig(32, 224, 2, 128, 16, 77, 764, 64, 1, 2), rebuilt.Config);
        MatchesPyTorch(model, "tiny_openai", 5e-5); // float32 through two transformers: libtorch 2.10 vs PyTorch 1.13 differ by ~1.4e-5 (the TorchScript run too)
        Assert.Equal(ClipNetworkParameters(rebuilt.Config), rebuilt.Config.ParameterCount);
        Assert.Equal(151_277_313, ClipConfig.VitB32.ParameterCount); // sum(p.numel()) of OpenAI's ViT-B/32
    }

    [Fact]
    public void OpenAiArchiveAlsoRunsAsTorchScriptWhenItsGraphFitsTheDevice()
    {
        // this archive was traced on the CPU; OpenAI's own ViT-B-32.pt was traced on CUDA and cannot run this way on a CPU build
        using var model = ClipModel.Load(Path.Combine(Dir, "tiny_openai_clip.pt"), runner: "torchscript");
        Assert.IsType<ClipTorchScript>(model);
        MatchesPyTorch(model, "tiny_openai", 5e-5); // float32 through two transformers: libtorch 2.10 vs PyTorch 1.13 differ by ~1.4e-5 (the TorchScript run too)
    }

    static long ClipNetworkParameters(ClipConfig c)
    {
        using var n = new ClipNetwork(c);
        return n.ParameterCount();
    }

    [Fact]
    public void BadInputsGiveClearErrors()
    {
        using var model = ClipModel.Load(Path.Combine(Dir, "standin_clip_torchscript.pt"));
        using var videos = zeros(new long[] { 2, 3, 1, 16, 16 });
        Assert.Contains("1 captions for 2 videos", Assert.Throws<ArgumentException>(() => ClipSim.FrameSimilarities(model, Tokenizer, videos, ["one"])).Message);
        Assert.Contains("videos must be [B, L, C in (1, 3), H, W]", Assert.Throws<ArgumentException>(() => ClipSim.FrameSimilarities(model, Tokenizer, zeros(new long[] { 2, 1, 16, 16 }), ["a", "b"])).Message);
        Assert.Contains("[B, 3, 224, 224]", Assert.Throws<ArgumentException>(() => model.EncodeImage(zeros(1, 3, 64, 64))).Message);
        Assert.Contains("int64 tokens", Assert.Throws<ArgumentException>(() => model.EncodeText(zeros(new long[] { 1, 77 }))).Message);
        Assert.Contains("too long for context length 77", Assert.Throws<ArgumentException>(() => ClipSim.FrameSimilarities(model, Tokenizer, videos[..1], [string.Join(" ", Enumerable.Repeat("zebra", 80))])).Message);
        Assert.Contains("not found", Assert.Throws<FileNotFoundException>(() => ClipModel.Load("/nope/ViT-B-32.pt")).Message);
        Assert.Contains("not a loadable TorchScript", Assert.Throws<InvalidDataException>(() => ClipModel.Load(Path.Combine(Dir, "tokenizer.json"))).Message);
        Assert.Contains("unknown CLIP runner", Assert.Throws<ArgumentException>(() => ClipModel.Load(Path.Combine(Dir, "standin_clip_torchscript.pt"), runner: "onnx")).Message);
        Assert.Contains("not a ViT CLIP", Assert.Throws<InvalidDataException>(() => ClipModel.Load(Path.Combine(Dir, "standin_clip_torchscript.pt"), runner: "rebuild")).Message);
        using var tiny = ClipModel.Load(Path.Combine(Dir, "tiny_openai_clip.pt"));
        Assert.Contains("outside the model's vocabulary of 764", Assert.Throws<ArgumentException>(() => tiny.EncodeText(full(new long[] { 1, 77 }, 49407L))).Message);
        Assert.Equal("x.pt", ClipModel.ResolvePath("x.pt"));
    }
}
