using Cmd.Data;
using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Reports;
using static TorchSharp.torch;

namespace Cmd.Tests.Evaluation;

/// <summary>Issue 14's curve for the content DiT: its frames against training step over kept snapshots.</summary>
public class ContentCurveTests
{
    /// <summary>Two copies of the shipped content DiT under two step names and the same file as the reference: the
    /// points come back by step, each re-seeded (equal weights, equal scores), the frames are a row per class, and the
    /// files hold a row per point with the reference last.</summary>
    [Fact]
    public void SnapshotsAreScoredFromOneSeedAgainstOneSetAndWrittenWithTheReferenceLast()
    {
        var dir = Directory.CreateTempSubdirectory("content-curve-").FullName;
        try
        {
            string late = Path.Combine(dir, "c-ema-2000.safetensors");
            string early = Path.Combine(dir, "c-ema-500.safetensors");
            File.Copy(ShippedWeights.Small.Content, late);
            File.Copy(ShippedWeights.Small.Content, early);
            using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
            var data = new MovingMnist(MovingMnistConfig.Small with { Split = MnistSplit.Test }, 8, seed: 2468);
            var clips = Enumerable.Range(0, 8).Select(data.Get).ToList();
            using var real = stack(clips.Select(c => c.Frames[^1]).ToArray());
            using var labels = tensor(clips.Select(c => (long)c.Label).ToArray());
            clips.ForEach(c => c.Dispose());
            var settings = new ContentCurve.Settings(PerClass: 1, Steps: 2);
            var heard = new List<(long?, long[])>();
            var points = ContentCurve.Score(detector, real, labels, [late, early], settings,
                scored: (p, frames) => heard.Add((p.Step, frames.shape))).ToList();
            points.Add(ContentCurve.ScoreOne(detector, real, labels, ShippedWeights.Small.Content, null, settings));
            Assert.Equal([500L, 2000L], points.Take(2).Select(p => p.Step!.Value));
            Assert.Equal([(500L, [10L, 1, 64, 64]), (2000L, [10L, 1, 64, 64])],
                heard.Select(h => (h.Item1!.Value, h.Item2)));
            Assert.All(points, p => Assert.Equal(points[0].Score.FvdRatio, p.Score.FvdRatio));
            Assert.Equal((10, 8), (points[0].Score.Count, points[0].Score.RealCount));

            var rows = points.Select(ContentCurveReport.RowOf).ToList();
            var written = ContentCurveReport.Write([rows[2], rows[1], rows[0]], Path.Combine(dir, "out"));
            var csv = File.ReadAllLines(written[0]);
            Assert.Equal(4, csv.Length);
            Assert.StartsWith("500,", csv[1]);
            Assert.StartsWith("reference,", csv[3]);
            var read = ContentCurveReport.ReadCsv(written[0]);   // --replot's input
            Assert.Equal(rows, read);
            Assert.Contains("| 2,000 | ", ContentCurveReport.Markdown(read));
            var replotted = ContentCurveReport.Replot(Path.Combine(dir, "out"));
            Assert.Equal(ContentCurveReport.Markdown(rows), File.ReadAllText(replotted[0]));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>With videos, each point's frames also become full videos through the shipped motion DiT and
    /// autoencoder, re-seeded (equal weights, equal scores), scored as `eval samples` scores them; the files carry the
    /// videos' columns, and a CSV written before those columns still reads (its videos' scores NaN).</summary>
    [Fact]
    public void VideosOfEveryPointAreScoredAsEvalSamplesScoresThem()
    {
        var dir = Directory.CreateTempSubdirectory("content-curve-videos-").FullName;
        try
        {
            string a = Path.Combine(dir, "c-ema-100.safetensors"), b = Path.Combine(dir, "c-ema-200.safetensors");
            File.Copy(ShippedWeights.Small.Content, a);
            File.Copy(ShippedWeights.Small.Content, b);
            using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
            using var ae = ModelStore.LoadAutoencoder(ShippedWeights.Small.Autoencoder);
            var motion = ModelStore.LoadMotion(ShippedWeights.Small.Motion);
            using var _ = motion.Model;
            var data = new MovingMnist(MovingMnistConfig.Small with { Split = MnistSplit.Test }, 4, seed: 2468);
            var clips = Enumerable.Range(0, 4).Select(data.Get).ToList();
            using var real = stack(clips.Select(c => c.Frames[^1]).ToArray());
            using var labels = tensor(clips.Select(c => (long)c.Label).ToArray());
            clips.ForEach(c => c.Dispose());
            var videos = new ContentCurve.Videos(ae, motion, MotionSteps: 2, Anchor: MotionAnchor.Final, Batch: 4);
            var points = ContentCurve.Score(detector, real, labels, [b, a], new(PerClass: 1, Steps: 2),
                videos: videos);
            Assert.All(points, p => Assert.NotNull(p.Full));
            Assert.Equal((10, 10), (points[0].Full!.Count, points[0].Full!.Floor.RealCount));
            Assert.Equal(points[0].Full!.FvdRatio, points[1].Full!.FvdRatio);
            Assert.InRange(points[0].Full!.ClassAccuracy, 0, 1);

            var rows = points.Select(ContentCurveReport.RowOf).ToList();
            Assert.True(rows[0].HasVideos);
            Assert.Equal(points[0].Full!.FvdRatio, rows[0].VideoRatio, 12);
            var csv = ContentCurveReport.Write(rows, Path.Combine(dir, "out"))[0];
            Assert.Equal(rows, ContentCurveReport.ReadCsv(csv));
            Assert.Contains("videos' ratio |", ContentCurveReport.Markdown(rows));
            Assert.Contains("Full videos", ContentCurveReport.Markdown(rows));

            var before = Path.Combine(dir, "before.csv");   // a curve of still clips only, as session 35 wrote one
            File.WriteAllText(before, "step,snapshot,class accuracy %,real class accuracy %,FVD-local,floor,ratio\n" +
                                      "4000,\"a.safetensors\",16.5,82,425.4,57.2,7.44\n");
            var old = Assert.Single(ContentCurveReport.ReadCsv(before));
            Assert.False(old.HasVideos);
            Assert.DoesNotContain("videos'", ContentCurveReport.Markdown([old]));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ACsvOfAnotherShapeIsAClearErrorNamingTheFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "step,snapshot,seed 0,mean\n500,a,2.5,2.5\n");
            Assert.Contains(path, Assert.Throws<FormatException>(() => ContentCurveReport.ReadCsv(path)).Message);
            File.WriteAllText(path, "step,snapshot,class accuracy %,real class accuracy %,FVD-local,floor,ratio\n" +
                                    "500,\"a,b.safetensors\",40,82,x,57,2\n");
            var e = Assert.Throws<FormatException>(() => ContentCurveReport.ReadCsv(path));
            Assert.Contains("row 2, column 'FVD-local': 'x' is not a number", e.Message);
            File.WriteAllText(path, "step,snapshot,class accuracy %,real class accuracy %,FVD-local,floor,ratio\n" +
                                    "late,a,40,82,120,57,2\n");
            var late = Assert.Throws<FormatException>(() => ContentCurveReport.ReadCsv(path));
            Assert.Contains("step 'late'", late.Message);
        }
        finally { File.Delete(path); }
    }
}
