using Cmd.Data;

namespace Cmd.Tests.Data;

/// <summary>WebVid-10M folders with their results CSV.</summary>
[Collection("opencv")]
public class WebVidTests(OpenCvFixture videos) : DatasetLayoutTestBase(videos)
{
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
}
