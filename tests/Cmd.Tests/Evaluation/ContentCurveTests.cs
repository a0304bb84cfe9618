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
