using Cmd.Data;

namespace Cmd.Tests.Data;

/// <summary>
/// Issue 17: a folder of 2 good and 5 bad videos used to cache 48 clips of which 4 were distinct (clips that did not
/// decode were answered by the next good clip) and to say "3 used, 6 skipped" for 7 files.
/// </summary>
[Collection("opencv")]
public class FolderDuplicationTests(OpenCvFixture videos)
{
    [Fact]
    public void TheCacheHoldsOnlyDistinctClipsAndTheVideoCountsAddUpToTheFiles()
    {
        using var dir = new TempDir();
        var root = Path.Combine(dir.Path, "videos");
        Directory.CreateDirectory(root);
        var sampling = ClipSampling.Tiny with { Decode = ClipSampling.Tiny.Decode with { Height = 16, Width = 16 }, Validation = VideoValidation.Probe };
        var frames = VideoDecoder.DecodeBytes(videos.PathOf("Megamind.avi"), 0, 40, new DecodeOptions { Height = 32, Width = 32 });
        FixtureVideos.WriteMp4(Path.Combine(root, "a_good.mp4"), frames, 20, 32, 32);
        FixtureVideos.WriteMp4(Path.Combine(root, "b_good.mp4"), frames.AsSpan(20 * 32 * 32 * 3).ToArray(), 20, 32, 32);
        File.WriteAllBytes(Path.Combine(root, "c_empty.mp4"), []);
        File.WriteAllText(Path.Combine(root, "d_text.mp4"), "not a video");
        FixtureVideos.WriteMp4(Path.Combine(root, "e_short.mp4"), frames, 3, 32, 32);
        File.WriteAllBytes(Path.Combine(root, "f_noise.mkv"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251)).ToArray());
        File.Copy(videos.PathOf("Megamind_bugy.avi"), Path.Combine(root, "g_bugy.avi")); // probes fine, fails to decode

        var ds = VideoFolder.Open(root, sampling);
        int cut = ds.Count;
        var cache = ClipCache.Build(ds, Path.Combine(dir.Path, "cache"));
        var sources = Enumerable.Range(0, cache.Count).Select(i => { using var c = cache.Get(i); return c.Source; }).ToList();

        Assert.Equal(sources.Count, sources.Distinct().Count());                       // no duplicates
        Assert.All(sources, s => Assert.Contains("_good.mp4#", s));                     // only the good videos' clips
        Assert.Equal(cut, cache.Count + cache.LostClips);                               // every cut clip is stored or counted lost
        Assert.True(cache.LostClips > 0);
        Assert.Equal(7, ds.EntryCount);
        Assert.Equal(2, ds.UsedVideoCount);
        Assert.Equal(5, ds.SkippedVideoCount);
        Assert.Equal((7, 2), (cache.Videos, cache.UsedVideos));
    }
}
