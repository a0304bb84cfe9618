using Cmd.Data;

namespace Cmd.Tests.Data;

[Collection("opencv")]
public class LayoutTests(OpenCvFixture videos)
{
    const int Size = 32, Len = 10, FrameBytes = Size * Size * 3;
    static readonly ClipSampling Sampling = ClipSampling.Tiny with { Start = ClipStart.First };
    static byte[]? megamind;

    // Real frames: Megamind.avi at 32x32, decoded once.
    byte[] Frames
    {
        get
        {
            if (megamind is null)
                megamind = VideoDecoder.DecodeAllBytes(videos.PathOf("Megamind.avi"), new DecodeOptions { Height = Size, Width = Size, GlitchThreshold = null }, out _);
            return megamind;
        }
    }

    byte[] Segment(int start) => Frames.AsSpan(start * FrameBytes, Len * FrameBytes).ToArray();

    static double MeanAbs(float[] clip, byte[] source)
    {
        // clip: [L, C, H, W] in [-1, 1]; source: [L, H, W, C] bytes; compare the first 8 frames
        double sum = 0; int n = 0;
        for (int t = 0; t < 8; t++) for (int c = 0; c < 3; c++) for (int p = 0; p < Size * Size; p++)
        {
            sum += Math.Abs((clip[((t * 3 + c) * Size * Size) + p] + 1) * 127.5 - source[t * FrameBytes + p * 3 + c]); n++;
        }
        return sum / n / 255;
    }

    [Fact]
    public void Ucf101LayoutLoadsTheRightClassForEachClipFromTheTrainSplitOnly()
    {
        using var dir = new TempDir();
        string[] classes = ["ApplyEyeMakeup", "Basketball", "YoYo"];
        var lists = Path.Combine(dir.Path, "ucfTrainTestlist");
        Directory.CreateDirectory(lists);
        File.WriteAllLines(Path.Combine(lists, "classInd.txt"), classes.Select((c, i) => $"{i + 1} {c}"));
        var train = new List<string>(); var test = new List<string>();
        var sourceOf = new Dictionary<string, byte[]>();
        int segment = 0;
        for (int c = 0; c < classes.Length; c++)
            foreach (var (group, clip) in new[] { (1, 1), (8, 1), (9, 2) })
            {
                string rel = $"{classes[c]}/v_{classes[c]}_g{group:00}_c{clip:00}.avi";
                var frames = Segment(segment++ * 29);
                FixtureVideos.WriteAvi(Path.Combine(dir.Path, rel), frames, Len, Size, Size);
                sourceOf[Path.Combine(dir.Path, rel)] = frames;
                if (group == 1) test.Add(rel); else train.Add($"{rel} {c + 1}");
            }
        File.WriteAllLines(Path.Combine(lists, "trainlist01.txt"), train);
        File.WriteAllLines(Path.Combine(lists, "testlist01.txt"), test);

        var ds = Ucf101.Open(dir.Path, Sampling);
        Assert.Equal(classes, ds.ClassNames);
        Assert.Equal(6, ds.Count);
        Assert.Equal(0, ds.SkippedCount);
        for (int i = 0; i < ds.Count; i++)
        {
            using var clip = ds.Get(i);
            string path = clip.Source[..clip.Source.IndexOf('#')];
            Assert.DoesNotContain("_g01_", path);                                       // test split never used
            Assert.Equal(Path.GetFileName(Path.GetDirectoryName(path)), ds.ClassNames[clip.Label]);
            var pixels = clip.Frames.data<float>().ToArray();
            double own = MeanAbs(pixels, sourceOf[path]);
            double other = sourceOf.Where(kv => kv.Key != path).Min(kv => MeanAbs(pixels, kv.Value));
            Assert.True(own < 0.03 && own < other / 2, $"{path}: {own:0.000} vs nearest other {other:0.000}"); // the clip is that file's frames
        }
        Assert.Equal(3, Ucf101.Open(dir.Path, Sampling, subset: UcfSubset.Test).Count);

        File.AppendAllLines(Path.Combine(lists, "trainlist01.txt"), ["YoYo/v_YoYo_g10_c01.avi 2"]);
        var e = Assert.Throws<InvalidDataException>(() => Ucf101.Open(dir.Path, Sampling));
        Assert.Contains("disagrees", e.Message);
    }

    [Fact]
    public void WebVidLayoutTakesCaptionsFromTheCsvAndReportsUndownloadedVideos()
    {
        using var dir = new TempDir();
        FixtureVideos.WriteMp4(Path.Combine(dir.Path, "000001_000050", "1001.mp4"), Segment(0), Len, Size, Size);
        FixtureVideos.WriteMp4(Path.Combine(dir.Path, "000001_000050", "1002.mp4"), Segment(100), Len, Size, Size);
        File.WriteAllText(Path.Combine(dir.Path, "results_10M_val.csv"),
            "videoid,contentUrl,duration,page_dir,name\n" +
            "1001,https://example/1001.mp4,PT00H00M10S,000001_000050,\"A man, smiling, says \"\"hello\"\"\"\n" +
            "1002,https://example/1002.mp4,PT00H00M12S,000001_000050,Aerial view of a city\n" +
            "1003,https://example/1003.mp4,PT00H00M09S,000051_000100,Never downloaded\n");
        var ds = WebVid.Open(dir.Path, Sampling);
        Assert.Equal(2, ds.Count);
        Assert.Empty(ds.ClassNames);
        using var first = ds.Get(0);
        using var second = ds.Get(1);
        Assert.Equal("A man, smiling, says \"hello\"", first.Caption);
        Assert.Equal("Aerial view of a city", second.Caption);
        Assert.Equal(-1, first.Label);
        var missing = Assert.Single(ds.Skipped);
        Assert.Equal(VideoProblem.Missing, missing.Problem);
        Assert.EndsWith(Path.Combine("000051_000100", "1003.mp4"), missing.Path);
    }

    [Fact]
    public void FolderLayoutUsesSubFoldersAsClasses()
    {
        using var dir = new TempDir();
        FixtureVideos.WriteMp4(Path.Combine(dir.Path, "dogs", "c.mp4"), Segment(0), Len, Size, Size);
        FixtureVideos.WriteAvi(Path.Combine(dir.Path, "cats", "deep", "b.avi"), Segment(50), Len, Size, Size);
        FixtureVideos.WriteMp4(Path.Combine(dir.Path, "cats", "a.mp4"), Segment(150), Len, Size, Size);
        FixtureVideos.WriteMp4(Path.Combine(dir.Path, "loose.mp4"), Segment(200), Len, Size, Size);
        File.WriteAllText(Path.Combine(dir.Path, "cats", "readme.txt"), "not a video");
        var ds = VideoFolder.Open(dir.Path, Sampling);
        Assert.Equal(new[] { "cats", "dogs" }, ds.ClassNames);
        var labels = ds.Videos.ToDictionary(v => Path.GetFileName(v.Path), v => v.Label);
        Assert.Equal(new Dictionary<string, int> { ["loose.mp4"] = -1, ["a.mp4"] = 0, ["b.avi"] = 0, ["c.mp4"] = 1 }, labels);
        Assert.Equal(4, ds.Count);
        var opened = VideoDatasets.Open(new DatasetOptions { Dataset = "folder", Root = dir.Path, Preset = "tiny", Start = ClipStart.First });
        Assert.Equal(4, opened.Count);
    }
}
