using Cmd.Data;
using static TorchSharp.torch;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Reports;

namespace Cmd.Tests.Models.Autoencoder;

public class AutoencoderOutputsTests
{
    [Fact]
    public void EncodeWritesPairsTheDiffusionLoaderReads()
    {
        var config = AutoencoderConfig.Tiny;
        manual_seed(0);
        using var model = new CmdAutoencoder(config);
        var ds = VideoDatasets.Open(AutoencoderData.DatasetFor(config, count: 5, seed: 3));
        var path = Path.Combine(Fixtures.TempDir("ae-encode"), "latents.safetensors");
        using (var pairs = AutoencoderReport.Encode(model, ds, count: 5, batchSize: 2))
        {
            Assert.Equal(new long[] { 5, 1, 32, 32 }, pairs.Content.shape);
            Assert.Equal(new long[] { 5, config.LatentChannels, config.Frames, 4 + 4 }, pairs.Z.shape);
            Assert.Equal(5, pairs.Captions.Count);
            pairs.Save(path);
        }
        using var back = EncodedClips.Load(path);
        Assert.Equal(config, back.Config);
        using var forDiffusion = Cmd.Pipeline.LatentPairs.Load(path);
        Assert.Equal((4, 4), (forDiffusion.GridH, forDiffusion.GridW));
        // decoding the stored pair gives the model's reconstruction of the clip
        using var clip = ds.Get(4);
        using var _ = no_grad();
        var direct = model.call(clip.Frames.unsqueeze(0));
        var fromPairs = model.Decode(back.Content[4..5], back.Z[4..5]);
        Assert.True(direct.sub(fromPairs).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void ReconstructReportWritesImagesAndMetrics()
    {
        var config = AutoencoderConfig.Tiny;
        manual_seed(0);
        using var model = new CmdAutoencoder(config);
        var ds = VideoDatasets.Open(AutoencoderData.DatasetFor(config, count: 3, seed: 1, split: MnistSplit.Test));
        var dir = Fixtures.TempDir("ae-report");
        var s = AutoencoderReport.Write(model, ds, dir, clips: 3, shown: 2);
        foreach (var f in new[] { "reconstructions.png", "content_frames.png", "importance_maps.png", "content_frame_0.png", "metrics.csv", "importance.csv", "summary.json" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.Equal(3, s.Clips);
        Assert.InRange(s.MeanSsim, -1, 1);
        var weights = File.ReadAllLines(Path.Combine(dir, "importance.csv"))[1].Split(',').Skip(1).Select(double.Parse).Sum();
        Assert.Equal(1.0, weights, 3);
        Assert.Contains("takes [L=8", Assert.Throws<ArgumentException>(() =>
            AutoencoderReport.Write(model, VideoDatasets.Open(AutoencoderData.DatasetFor(config with { Frames = 4 }, count: 1)), dir)).Message);
    }
}
