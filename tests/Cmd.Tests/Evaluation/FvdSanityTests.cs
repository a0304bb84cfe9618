using Cmd.Data;
using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using Cmd.Reports;
using Cmd.Tests.Metrics.Fvd;
using static TorchSharp.torch;

namespace Cmd.Tests.Evaluation;

/// <summary>The FVD sanity run: FVD of corrupted against real clips, written as an offline chart and a CSV.</summary>
public class FvdSanityTests
{
    [Fact]
    public void SanityRunsWritesAnOfflineChartAndIdentityReconstructionIsZero()
    {
        manual_seed(7);
        using var detector = new LocalFvdDetector(new LocalVideoDetector(), "random-init");
        var report = FvdSanity.Run(detector, MovingMnistConfig.Tiny, clips: 12, batch: 12);
        Assert.Equal(3 * 6, report.Points.Count);
        // even an untrained conv detector separates heavy corruption from real
        Assert.True(report.Points.Single(p => p.Kind == CorruptionKind.Noise && p.Level == 0.8).Fvd > report.RealVsReal);
        string dir = Path.Combine(Path.GetTempPath(), $"sanity-{Guid.NewGuid():N}");
        try
        {
            string html = FvdSanityReport.Write(report, dir);
            string text = File.ReadAllText(html);
            Assert.True(text.Length > 1_000_000, "plotly.js is inlined (offline)"); // the full library is ~3.6 MB
            Assert.DoesNotContain("<script src=\"https://cdn.plot.ly", text);
            Assert.Contains("random-init", text);
            Assert.Equal(19, File.ReadAllLines(Path.Combine(dir, "fvd-local-sanity.csv")).Length);
        }
        finally { Directory.Delete(dir, true); }

        using var v = FvdFixtures.TinyClips(16, 9);
        var r = FrechetVideoDistance.Reconstruction(detector, FrechetVideoDistance.Batches(v, 8), x => x.clone());
        Assert.Equal(0, r.Value, 6);
        Assert.StartsWith("R-FVD-local", r.ToString());
    }
}
