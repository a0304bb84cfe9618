using Cmd.Data;

namespace Cmd.Tests.Data;

[Collection("opencv")]
public class VideoFileDatasetTests(OpenCvFixture videos)
{
    static readonly ClipSampling Tiny = ClipSampling.Tiny with { Decode = ClipSampling.Tiny.Decode with { Height = 16, Width = 16 } };

    [Fact]
    public void RealVideosAreCutIntoManyClipsAndTheDamagedOneIsSkippedWithItsReason()
    {
        var entries = new[] { "vtest.avi", "Megamind.avi", "Megamind_bugy.avi" }.Select(f => new VideoEntry(videos.PathOf(f))).ToList();
        var ds = new VideoFileDataset("opencv", entries, [], Tiny with { Validation = VideoValidation.Decode, Frames = 16, Hop = 32 });
        var skipped = Assert.Single(ds.Skipped);
        Assert.Equal(videos.PathOf("Megamind_bugy.avi"), skipped.Path);
        Assert.Equal(VideoProblem.Damaged, skipped.Problem);
        Assert.Equal(1, ds.SkippedCount);
        Assert.Equal(2, ds.Videos.Count);
        Assert.Equal((795 - 16) / 32 + 1 + (270 - 16) / 32 + 1, ds.Count); // grid starts 0, 32, ... per video
        using var clip = ds.Get(ds.Count - 1);
        Assert.Equal(new long[] { 16, 3, 16, 16 }, clip.Frames.shape);
        Assert.Equal(videos.PathOf("Megamind.avi") + "#frames 224-239", clip.Source);

        var e = Assert.Throws<VideoDataException>(() => new VideoFileDataset("opencv", entries, [], Tiny with { Validation = VideoValidation.Decode, OnBadVideo = BadVideoPolicy.Fail }));
        Assert.Equal(videos.PathOf("Megamind_bugy.avi"), e.Path);
    }

    [Fact]
    public void RandomStartsAreSeededAndStrideWidensTheSpan()
    {
        var entries = new[] { new VideoEntry(videos.PathOf("Megamind.avi")) };
        var a = new VideoFileDataset("m", entries, [], Tiny with { Start = ClipStart.Random, ClipsPerVideo = 5, Seed = 3 });
        var b = new VideoFileDataset("m", entries, [], Tiny with { Start = ClipStart.Random, ClipsPerVideo = 5, Seed = 3 });
        var c = new VideoFileDataset("m", entries, [], Tiny with { Start = ClipStart.Random, ClipsPerVideo = 5, Seed = 4 });
        Assert.Equal(a.Clips, b.Clips);
        Assert.NotEqual(a.Clips, c.Clips);
        Assert.All(a.Clips, r => Assert.InRange(r.Start, 0, 270 - 8));
        var fixedStart = new VideoFileDataset("m", entries, [], Tiny with { Start = ClipStart.First, FixedStart = 200 });
        Assert.Equal(new ClipRef(0, 200), Assert.Single(fixedStart.Clips));
        var tooLate = new VideoFileDataset("m", entries, [], Tiny with { Start = ClipStart.First, FixedStart = 265 });
        Assert.Equal(VideoProblem.TooShort, Assert.Single(tooLate.Skipped).Problem);
        var strided = new VideoFileDataset("m", entries, [], Tiny with { Decode = Tiny.Decode with { Stride = 4 } });
        Assert.Equal((270 - 29) / 32 + 1, strided.Count); // span (8-1)*4+1 = 29, hop 8*4 = 32
    }

    [Fact]
    public void BadFilesAreSkippedAndCountedOrFailByPolicy()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("empty.avi"), []);
        File.WriteAllText(dir.File("notes.mp4"), "not a video");
        // a real but too short video: 5 frames of Megamind re-encoded
        var five = VideoDecoder.DecodeBytes(videos.PathOf("Megamind.avi"), 0, 5, new DecodeOptions { Height = 32, Width = 32 });
        FixtureVideos.WriteMp4(dir.File("short.mp4"), five, 5, 32, 32);
        var entries = new[] { "missing.avi", "empty.avi", "notes.mp4", "short.mp4" }.Select(f => new VideoEntry(dir.File(f)))
            .Append(new VideoEntry(videos.PathOf("Megamind.avi"))).ToList();
        var ds = new VideoFileDataset("mixed", entries, [], Tiny);
        Assert.Equal(4, ds.SkippedCount);
        var byName = ds.Skipped.ToDictionary(s => Path.GetFileName(s.Path), s => s.Problem);
        Assert.Equal(VideoProblem.Missing, byName["missing.avi"]);
        Assert.Equal(VideoProblem.Empty, byName["empty.avi"]);
        Assert.Equal(VideoProblem.NotVideo, byName["notes.mp4"]);
        Assert.Equal(VideoProblem.TooShort, byName["short.mp4"]);
        Assert.Single(ds.Videos);
        using var clip = ds.Get(0);
        Assert.StartsWith(videos.PathOf("Megamind.avi"), clip.Source);

        var e = Assert.Throws<VideoDataException>(() => new VideoFileDataset("mixed", entries, [], Tiny with { OnBadVideo = BadVideoPolicy.Fail }));
        Assert.Equal(dir.File("missing.avi"), e.Path);
        Assert.Contains("missing file", e.Message);
    }

    [Fact]
    public void AClipThatFailsLaterIsNeverReturnedUnderSkip()
    {
        using var dir = new TempDir();
        string copy = dir.File("bugy.avi");
        File.Copy(videos.PathOf("Megamind_bugy.avi"), copy);
        var entries = new[] { new VideoEntry(copy), new VideoEntry(videos.PathOf("Megamind.avi")) };
        // probe validation lets bugy in; its clip over the corrupted frame 100 must not come out
        var sampling = Tiny with { Start = ClipStart.Grid, Hop = 96, Frames = 8, WholeVideoBudgetBytes = 0 }; // one ffmpeg run per clip
        var ds = new VideoFileDataset("late", entries, [], sampling);
        int bad = ds.Clips.Select((c, i) => (c, i)).First(x => x.c.Video == 0 && x.c.Start == 96).i; // frames 96-103 hold glitch frame 100
        using var clip = ds.Get(bad);
        Assert.DoesNotContain("bugy.avi#frames 96", clip.Source);
        var skipped = Assert.Single(ds.Skipped);
        Assert.Equal(copy, skipped.Path);
        Assert.Contains("frame 100", skipped.Reason);

        var strict = new VideoFileDataset("late", entries, [], sampling with { OnBadVideo = BadVideoPolicy.Fail });
        Assert.Throws<VideoDataException>(() => strict.Get(bad));

        // whole-video decoding (the default for videos with several clips) checks every frame at once: no bugy clip at all
        var whole = new VideoFileDataset("late", entries, [], sampling with { WholeVideoBudgetBytes = 64 << 20 });
        using var first = whole.Get(0);
        Assert.StartsWith(videos.PathOf("Megamind.avi"), first.Source);
        Assert.Contains("temporal continuity", Assert.Single(whole.Skipped).Reason);
    }

    [Fact]
    public void WholeVideoDecodingGivesTheSameClipsAsOneRunPerClip()
    {
        var entries = new[] { new VideoEntry(videos.PathOf("Megamind.avi")) };
        var perClip = new VideoFileDataset("m", entries, [], Tiny with { Hop = 50, WholeVideoBudgetBytes = 0, Decode = Tiny.Decode with { Stride = 2 } });
        var whole = new VideoFileDataset("m", entries, [], Tiny with { Hop = 50, Decode = Tiny.Decode with { Stride = 2 } });
        Assert.Equal(perClip.Count, whole.Count);
        foreach (int i in new[] { 0, 3, perClip.Count - 1 })
        {
            using var a = perClip.Get(i);
            using var b = whole.Get(i);
            Assert.Equal(a.Frames.bytes.ToArray(), b.Frames.bytes.ToArray());
            Assert.Equal(a.Source, b.Source);
        }
    }
}
