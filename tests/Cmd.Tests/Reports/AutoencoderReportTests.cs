using Cmd.Data;
using Cmd.Metrics;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Reports;
using static TorchSharp.torch;

namespace Cmd.Tests.Reports;

public class AutoencoderReportTests
{
    [Fact]
    public void ReconstructReportWritesImagesAndMetrics()
    {
        var config = RunPresets.Tiny.Autoencoder;
        manual_seed(0);
        using var model = new CmdAutoencoder(config);
        var ds = VideoDatasets.Open(AutoencoderData.DatasetFor(config, count: 3, seed: 1, split: MnistSplit.Test));
        var dir = Fixtures.TempDir("ae-report");
        var s = AutoencoderReport.Write(model, ds, dir, clips: 3, shown: 2);
        foreach (var f in new[] { "reconstructions.png", "content_frames.png", "importance_maps.png", "content_frame_0.png", "metrics.csv", "importance.csv", "summary.json" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.Equal(3, s.Clips);
        // the summary is the mean over the 3 clips of SSIM/PSNR of the clamped reconstructions, recomputed here
        using (no_grad())
        {
            var video = stack(Enumerable.Range(0, 3).Select(i => ds.Get(i).Frames).ToArray());
            model.eval();
            var recon = model.call(video).clamp(-1, 1);
            Assert.Equal(Ssim.PerClip(video, recon).Average(), s.MeanSsim, 5);
            Assert.Equal(Psnr.PerItem(video, recon).Average(), s.MeanPsnr, 4);
        }
        var weights = File.ReadAllLines(Path.Combine(dir, "importance.csv"))[1].Split(',').Skip(1).Select(double.Parse).Sum();
        Assert.Equal(1.0, weights, 3);
        Assert.Contains("takes [L=8", Assert.Throws<ArgumentException>(() =>
            AutoencoderReport.Write(model, VideoDatasets.Open(AutoencoderData.DatasetFor(config with { Frames = 4 }, count: 1)), dir)).Message);
    }
}
