using Cmd.Data;

namespace Cmd.Tests.Data;

/// <summary>UCF-101 folders with their train/test split lists.</summary>
[Collection("opencv")]
public class Ucf101Tests(OpenCvFixture videos) : DatasetLayoutTestBase(videos)
{
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
}
