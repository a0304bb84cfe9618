using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Reports;

namespace Cmd.Tests.Evaluation;

/// <summary>Issue 14's curve: motion prediction against training step over kept snapshots of one motion DiT.</summary>
public class MotionCurveTests
{
    [Theory]
    [InlineData("/runs/m-ema-4000.safetensors", 4000)]
    [InlineData("m2-ema-12000.safetensors", 12000)]
    [InlineData("step500", 500)]
    public void TheStepIsTheLastNumberInTheFileName(string path, long step) =>
        Assert.Equal(step, Snapshots.StepOf(path));

    [Fact]
    public void ASnapshotNamedWithoutAStepIsAClearErrorNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => Snapshots.StepOf("/runs/m/ema.safetensors"));
        Assert.Contains("/runs/m/ema.safetensors", e.Message);
        Assert.Contains("no training step", e.Message);
    }

    /// <summary>Two copies of the shipped motion DiT under two step names: the points come back by step, scored on the
    /// same held-out clips (equal references) and re-seeded per point (equal weights, equal scores), and the files hold
    /// a row per point.</summary>
    [Fact]
    public void SnapshotsAreScoredOnOneHeldOutSetWithTheSameSeedsAndWritten()
    {
        var dir = Directory.CreateTempSubdirectory("motion-curve-").FullName;
        try
        {
            string late = Path.Combine(dir, "m-ema-2000.safetensors");
            string early = Path.Combine(dir, "m-ema-500.safetensors");
            File.Copy(ShippedWeights.Small.Motion, late);
            File.Copy(ShippedWeights.Small.Motion, early);
            using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
            using var ae = ModelStore.LoadAutoencoder(ShippedWeights.Small.Autoencoder);
            var heard = new List<long>();
            var points = MotionCurve.Score(detector, ae, [late, early], count: 8, seeds: [0, 1], steps: 2,
                scored: p => heard.Add(p.Step));
            Assert.Equal([500L, 2000L], points.Select(p => p.Step));
            Assert.Equal([500L, 2000L], heard);
            Assert.Equal(points[0].Score.Floor.Value, points[1].Score.Floor.Value);
            Assert.Equal(points[0].Score.Reconstruction.Value, points[1].Score.Reconstruction.Value);
            Assert.Equal(points[0].Score.BySeed.Select(s => s.Ratio), points[1].Score.BySeed.Select(s => s.Ratio));
            Assert.NotEqual(points[0].Score.BySeed[0].Ratio, points[0].Score.BySeed[1].Ratio);

            var csv = File.ReadAllLines(MotionCurveReport.Write(points, Path.Combine(dir, "out"), 2.0)[0]);
            Assert.StartsWith("step,snapshot,seed 0,seed 1,mean,slow digits %", csv[0]);
            Assert.Equal(3, csv.Length);
            Assert.StartsWith("500,", csv[1]);
            Assert.Contains("| 2,000 |", MotionCurveReport.Markdown(MotionCurveReport.Rows(points)));
            var read = MotionCurveReport.ReadCsv(Path.Combine(dir, "out", "motion-curve.csv"));   // --replot's input
            var made = MotionCurveReport.Rows(points);
            Assert.Equal(made.Select(r => (r.Step, r.Mean, r.Reconstruction, r.OtherClip, r.Floor, r.Slow)),
                read.Select(r => (r.Step, r.Mean, r.Reconstruction, r.OtherClip, r.Floor, r.Slow)));
            var replotted = MotionCurveReport.Replot(Path.Combine(dir, "out"), 2.0);
            Assert.Equal(MotionCurveReport.Markdown(made), File.ReadAllText(replotted[0]));
            Assert.Equal(made[1].Seeds, read[1].Seeds);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void TwoSnapshotsAtOneStepAndAMissingSnapshotAreClearErrors()
    {
        using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
        using var ae = ModelStore.LoadAutoencoder(ShippedWeights.Small.Autoencoder);
        var twice = Assert.Throws<ArgumentException>(() => MotionCurve.Score(detector, ae,
            ["a/m-ema-100.safetensors", "b/m-ema-100.safetensors"], count: 8, seeds: [0]));
        Assert.Contains("two snapshots at step 100", twice.Message);
        var missing = Assert.Throws<FileNotFoundException>(() => MotionCurve.Score(detector, ae,
            ["/nonexistent/m-ema-100.safetensors"], count: 8, seeds: [0]));
        Assert.Contains("/nonexistent/m-ema-100.safetensors", missing.Message);
    }

    [Fact]
    public void ACsvOfAnotherShapeIsAClearErrorNamingTheFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "kind,level,fvd\nblur,1,2.5\n");
            Assert.Contains(path, Assert.Throws<FormatException>(() => MotionCurveReport.ReadCsv(path)).Message);
            File.WriteAllText(path, "step,snapshot,seed 0,mean,slow digits %,fast digits %,reconstruction," +
                                    "another clip's real z,floor\n" +
                                    "500,\"a,b.safetensors\",2.5,x,1,1,1.3,2.0,10\n");
            var e = Assert.Throws<FormatException>(() => MotionCurveReport.ReadCsv(path));
            Assert.Contains("row 2, column 'mean': 'x' is not a number", e.Message);
        }
        finally { File.Delete(path); }
    }
}
