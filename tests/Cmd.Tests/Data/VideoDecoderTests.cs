using System.Diagnostics;
using Cmd.Data;

namespace Cmd.Tests.Data;

[Collection("opencv")]
public class VideoDecoderTests(OpenCvFixture videos)
{
    static readonly DecodeOptions Small = new() { Height = 32, Width = 32 };

    [Fact]
    public void ClipsAreTheRequestedFramesWithStrideAsTensorsInMinusOneToOne()
    {
        string path = videos.PathOf("Megamind.avi");
        var all = VideoDecoder.DecodeAllBytes(path, Small with { GlitchThreshold = null }, out int n);
        Assert.Equal(270, n);
        int frame = 32 * 32 * 3;
        var clip = VideoDecoder.DecodeBytes(path, 100, 8, Small);
        Assert.Equal(all.AsSpan(100 * frame, 8 * frame).ToArray(), clip);
        var strided = VideoDecoder.DecodeBytes(path, 100, 4, Small with { Stride = 3 });
        for (int k = 0; k < 4; k++) Assert.Equal(all.AsSpan((100 + 3 * k) * frame, frame).ToArray(), strided.AsSpan(k * frame, frame).ToArray());

        using var t = VideoDecoder.Decode(path, 100, 8, Small);
        Assert.Equal(new long[] { 8, 3, 32, 32 }, t.shape);
        // [L, C, H, W] from [L, H, W, C] bytes: pixel (t=1, c=2, y=5, x=7)
        Assert.Equal(clip[frame + (5 * 32 + 7) * 3 + 2] / 127.5f - 1f, t[1, 2, 5, 7].item<float>(), 5);
        Assert.True(t.min().item<float>() >= -1f && t.max().item<float>() <= 1f);
        Assert.True(t.std().item<float>() > 0.1f); // real picture, not a flat frame
    }

    [Theory]
    [InlineData("vtest.avi", 530, 2)]     // msmpeg4, 10 fps
    [InlineData("Megamind.avi", 180, 1)]  // mpeg4 with packed B-frames, first pts 1
    [InlineData("tree.avi", 45, 1)]       // cinepak, variable frame rate
    public void SeekingWithFrameTimesGivesTheSameFramesAsDecodingFromTheStart(string file, int start, int stride)
    {
        string path = videos.PathOf(file);
        var times = VideoDecoder.FrameTimes(path, TimeSpan.FromSeconds(60));
        Assert.NotNull(times);
        Assert.Equal(VideoProbe.Probe(path).Frames, times!.Length);
        var options = Small with { Height = 16, Width = 16, Stride = stride };
        Assert.Equal(VideoDecoder.DecodeBytes(path, start, 6, options), VideoDecoder.DecodeBytes(path, start, 6, options, times));
    }

    [Fact]
    public void CentreCropCutsTheMiddleOfTheFrame()
    {
        string path = videos.PathOf("Megamind.avi"); // 720x528: a 528x528 centre crop starts at x = 96
        var full = VideoDecoder.DecodeBytes(path, 0, 1, new DecodeOptions { Height = 528, Width = 720 });
        var crop = VideoDecoder.DecodeBytes(path, 0, 1, new DecodeOptions { Height = 528, Width = 528 });
        for (int y = 0; y < 528; y += 37)
            Assert.Equal(full.AsSpan((y * 720 + 96) * 3, 528 * 3).ToArray(), crop.AsSpan(y * 528 * 3, 528 * 3).ToArray());
        var grey = VideoDecoder.DecodeBytes(path, 0, 1, new DecodeOptions { Height = 16, Width = 24, Channels = 1, Resize = ResizeMode.Stretch });
        Assert.Equal(16 * 24, grey.Length);
    }

    [Fact]
    public void TargetFpsResamplesByTime()
    {
        string path = videos.PathOf("Megamind.avi"); // 23.976 fps, 11.26 s
        VideoDecoder.DecodeAllBytes(path, Small with { Channels = 1, Fps = 8 }, out int n);
        Assert.InRange(n, 88, 92); // 11.26 s x 8 fps
    }

    [Fact]
    public void DecodingStopsAtTheTimeout()
    {
        // A decode that ignored the limit would finish and throw nothing; no wall-clock bound (that would measure load).
        var e = Assert.Throws<VideoDataException>(() => VideoDecoder.DecodeAllBytes(videos.PathOf("vtest.avi"), Small with { Timeout = TimeSpan.FromMilliseconds(40) }, out _));
        Assert.Equal(VideoProblem.Timeout, e.Problem);
        Assert.Contains("vtest.avi", e.Message);
    }

    [Fact]
    public void BadInputIsReportedByPathAndReason()
    {
        using var dir = new TempDir();
        string missing = dir.File("missing.avi");
        string empty = dir.File("empty.avi"); File.WriteAllBytes(empty, []);
        string text = dir.File("notes.avi"); File.WriteAllText(text, "this is not a video\n");
        string corrupt = dir.File("corrupt.avi");
        var bytes = File.ReadAllBytes(videos.PathOf("Megamind.avi"));
        var rng = new SeededRandom(1);
        for (int k = 0; k < 300; k++) bytes[100_000 + rng.Next(bytes.Length - 200_000)] ^= 0x5A; // flip bytes inside the frame data
        File.WriteAllBytes(corrupt, bytes);

        Expect(VideoProblem.Missing, missing, () => VideoDecoder.DecodeBytes(missing, 0, 4, Small));
        Expect(VideoProblem.Empty, empty, () => VideoDecoder.DecodeBytes(empty, 0, 4, Small));
        Expect(VideoProblem.NotVideo, text, () => VideoDecoder.DecodeBytes(text, 0, 4, Small));
        Expect(VideoProblem.NotVideo, text, () => VideoProbe.Probe(text));
        Expect(VideoProblem.Damaged, corrupt, () => VideoDecoder.DecodeAllBytes(corrupt, Small with { Channels = 1 }, out _));
        string mega = videos.PathOf("Megamind.avi");
        var shortClip = Expect(VideoProblem.TooShort, mega, () => VideoDecoder.DecodeBytes(mega, 265, 8, Small));
        Assert.Contains("only 5 decoded", shortClip.Message);
    }

    [Fact]
    public void MegamindBugyIsDamagedWhileMegamindIsClean()
    {
        var grey = Small with { Channels = 1, Height = 64, Width = 64 };
        VideoDecoder.DecodeAllBytes(videos.PathOf("Megamind.avi"), grey, out int n);
        Assert.Equal(270, n);
        string bugy = videos.PathOf("Megamind_bugy.avi");
        var e = Expect(VideoProblem.Damaged, bugy, () => VideoDecoder.DecodeAllBytes(bugy, grey, out _));
        Assert.Contains("temporal continuity", e.Message);
        // its undamaged stretch decodes: the check condemns corrupted frames, not the file name
        VideoDecoder.DecodeBytes(bugy, 200, 16, grey);
    }

    static VideoDataException Expect(VideoProblem problem, string path, Action action)
    {
        var e = Assert.Throws<VideoDataException>(action);
        Assert.Equal(problem, e.Problem);
        Assert.Equal(path, e.Path);
        Assert.StartsWith(path + ": ", e.Message);
        return e;
    }
}
