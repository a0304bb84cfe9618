using System.Text.RegularExpressions;
using Cmd.Presets;
using Cmd.Reports;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Reports;

/// <summary>`workbench demo` at the tiny preset: the whole pipeline through the same Pipeline API, then one HTML page.</summary>
public class DemoReportTests
{
    [Fact]
    public void TinyDemoWritesAPageWhoseImagesExistWithOneGeneratedRowPerClassAndTheRunFolders()
    {
        var dir = Fixtures.TempDir("demo");
        var logged = new List<string>();
        var result = DemoReport.Run(RunPresets.Tiny, dir, CPU, log: logged.Add, progress: false);

        var page = Path.Combine(dir, "index.html");
        Assert.Equal(Path.GetFullPath(page), result.Page);
        var html = File.ReadAllText(page);
        var images = Regex.Matches(html, "<img src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(images);
        Assert.All(images, src => Assert.True(new FileInfo(Path.Combine(dir, src)).Length > 0, $"{src} is missing or empty"));
        Assert.Equal(images.Count, images.Distinct().Count());

        // the generated table: one row per class of the content DiT (10), each with a content frame, a video and its frames
        int generated = html.IndexOf("<h2>Generated", StringComparison.Ordinal);
        Assert.True(generated > 0, "no generated section");
        var rows = Regex.Matches(html[generated..], "<tr><td>(\\d+)</td>").Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(Enumerable.Range(0, RunPresets.Tiny.ContentDiT.NumClasses), rows);
        Assert.Equal(10, rows.Count);
        Assert.Equal(3 * 10, images.Count(src => src.StartsWith("media/gen_", StringComparison.Ordinal)));
        // the training clips: content frame, video and reconstruction of each
        Assert.Equal(3 * 6, images.Count(src => src.StartsWith("media/real_", StringComparison.Ordinal)));

        // the run folders the pipeline trained in
        var runs = Path.Combine(dir, "runs");
        foreach (var stage in new[] { "ae", "content", "motion" })
            Assert.True(File.Exists(Path.Combine(runs, stage, TrainingCheckpoint.FileName)), $"runs/{stage} has no checkpoint");
        foreach (var stage in new[] { "content", "motion" })
            Assert.True(File.Exists(Path.Combine(runs, stage, ModelMetadata.EmaFileName)), $"runs/{stage} has no EMA weights");
        Assert.True(File.Exists(Path.Combine(runs, "pairs.safetensors")));
        using (var pairs = Cmd.Training.LatentPairs.Load(Path.Combine(runs, "pairs.safetensors")))
            Assert.Equal(RunPresets.Tiny.Clips, pairs.Count);

        Assert.All(new[] { result.AutoencoderLoss, result.ContentLoss, result.MotionLoss }, l => Assert.True(double.IsFinite(l) && l > 0));
        Assert.Contains(logged, line => line.StartsWith("[5/5] sampling", StringComparison.Ordinal));
    }
}
