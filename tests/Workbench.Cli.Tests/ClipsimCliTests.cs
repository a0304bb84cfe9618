using System.Globalization;
using System.Text.Json;
using Cmd.IO;
using Cmd.Tests.Metrics;
using Cmd.Tests;
using static TorchSharp.torch;

namespace Workbench.Cli.Tests;

public class ClipsimCliTests
{
    static readonly string Dir = MetricsFixtures.Dir("clip");
    static readonly string StandIn = Path.Combine(Dir, "standin_clip_torchscript.pt");
    static readonly string Vocab = Path.Combine(Dir, "tiny_bpe_vocab.txt.gz");

    [Fact]
    public void PrintsThePyTorchClipsimAndNamesTheModel()
    {
        var dir = Fixtures.TempDir("clipsim-cli");
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "standin_clip.json"))).RootElement;
        var captions = expected.GetProperty("captions").EnumerateArray().Select(c => c.GetString()!).Take(2).ToArray();
        var perVideo = expected.GetProperty("clipsim").GetProperty("standin").GetProperty("per_video").EnumerateArray().Select(v => v.GetDouble()).Take(2).ToArray();
        var grey = SafeTensors.Load(Path.Combine(Dir, "standin_clip_io.safetensors"))["grey_videos"];
        string videos = Path.Combine(dir, "fake.safetensors"), caps = Path.Combine(dir, "captions.txt");
        SafeTensors.Save(videos, new Dictionary<string, Tensor> { ["videos"] = grey });
        File.WriteAllLines(caps, captions);
        string csv = Path.Combine(dir, "per-video.csv");
        var r = CliRunner.Run("clipsim", "--clip", StandIn, "--vocab", Vocab, "--videos", videos, "--captions", caps, "--per-video", csv);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var rows = File.ReadAllLines(csv)[2..].Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(perVideo, rows, (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Contains($"CLIPSIM {perVideo.Average().ToString("F4", CultureInfo.InvariantCulture)} (", r.StdOut);
        Assert.Contains("standin_clip_torchscript.pt", r.StdOut);
        Assert.Contains("not x100", r.StdOut);

        // captions from the file's metadata, as clip caches store them
        string withCaptions = Path.Combine(dir, "captioned.safetensors");
        SafeTensors.Save(withCaptions, new Dictionary<string, Tensor> { ["videos"] = grey }, new Dictionary<string, string> { ["captions"] = JsonSerializer.Serialize(captions) });
        var m = CliRunner.Run("clipsim", "--clip", StandIn, "--vocab", Vocab, "--videos", withCaptions);
        Assert.True(m.ExitCode == 0, m.StdErr);
        Assert.Contains($"CLIPSIM {perVideo.Average().ToString("F4", CultureInfo.InvariantCulture)} (", m.StdOut);

        var mm = CliRunner.Run("clipsim", "--clip", Path.Combine(Dir, "tiny_openai_clip.pt"), "--vocab", Vocab, "--videos", "mmnist", "--count", "2", "--preset", "tiny");
        Assert.True(mm.ExitCode == 0, mm.StdErr);
        Assert.Contains("2 videos, 16 frames; CLIP tiny_openai_clip.pt, rebuilt from the TorchScript weights", mm.StdOut);
    }

    [Fact]
    public void BadInputsAreOneLineErrors()
    {
        var dir = Fixtures.TempDir("clipsim-cli-bad");
        string videos = Path.Combine(dir, "v.safetensors"), flat = Path.Combine(dir, "flat.safetensors"), caps = Path.Combine(dir, "c.txt");
        SafeTensors.Save(videos, new Dictionary<string, Tensor> { ["videos"] = zeros(new long[] { 2, 2, 1, 8, 8 }) });
        SafeTensors.Save(flat, new Dictionary<string, Tensor> { ["videos"] = zeros(new long[] { 2, 8, 8 }) });
        File.WriteAllLines(caps, ["one", "two", "three"]);
        string Err(params string[] args)
        {
            var r = CliRunner.Run(args);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Single(r.StdErr.Trim().Split('\n'));
            return r.StdErr.Trim();
        }
        Assert.Contains("3 captions for 2 videos", Err("clipsim", "--clip", StandIn, "--vocab", Vocab, "--videos", videos, "--captions", caps));
        Assert.Contains("must be videos [N, L, C in (1, 3), H, W]", Err("clipsim", "--clip", StandIn, "--vocab", Vocab, "--videos", flat, "--captions", caps));
        Assert.Contains("has no 'captions' metadata", Err("clipsim", "--clip", StandIn, "--vocab", Vocab, "--videos", videos));
        Assert.Contains("/nope/v.safetensors: videos file not found", Err("clipsim", "--clip", StandIn, "--vocab", Vocab, "--videos", "/nope/v.safetensors", "--captions", caps));
        Assert.Contains("/nope/bpe.txt.gz: CLIP BPE vocabulary not found", Err("clipsim", "--clip", StandIn, "--vocab", "/nope/bpe.txt.gz", "--videos", videos));
        Assert.Contains("/nope/ViT-B-32.pt: CLIP model file not found", Err("clipsim", "--clip", "/nope/ViT-B-32.pt", "--vocab", Vocab, "--videos", videos));
        Assert.Contains("not a loadable TorchScript", Err("clipsim", "--clip", caps, "--vocab", Vocab, "--videos", videos));
        Assert.Contains("--captions cannot be used with --videos mmnist", Err("clipsim", "--clip", StandIn, "--vocab", Vocab, "--videos", "mmnist", "--captions", caps));
    }
}
