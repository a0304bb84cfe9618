using Cmd.Data;

namespace Cmd.Tests.Data;

/// <summary>A folder of videos whose sub-folders are classes.</summary>
[Collection("opencv")]
public class VideoFolderTests(OpenCvFixture videos) : DatasetLayoutTestBase(videos)
{
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
