using Cmd.Data;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Pipeline;

public class LatentEncoderTests
{
    [Fact]
    public void EncodeWritesPairsThatLoadBackWithTheirAutoencoder()
    {
        var config = RunPresets.Tiny.Autoencoder;
        manual_seed(0);
        using var model = new CmdAutoencoder(config);
        var ds = VideoDatasets.Open(AutoencoderData.DatasetFor(config, count: 5, seed: 3));
        var path = Path.Combine(Fixtures.TempDir("ae-encode"), "latents.safetensors");
        using (var pairs = LatentEncoder.Encode(model, ds, count: 5, batchSize: 2))
        {
            Assert.Equal(new long[] { 5, 1, 32, 32 }, pairs.Content.shape);
            Assert.Equal(new long[] { 5, config.LatentChannels, config.Frames, 4 + 4 }, pairs.Z.shape);
            Assert.Equal(5, pairs.Captions.Count);
            pairs.Save(path);
        }
        using var back = LatentPairs.Load(path);
        Assert.Equal(config, back.Autoencoder);
        Assert.Equal(5, back.Captions.Count);
        Assert.Equal((4, 4), (back.GridH, back.GridW));
        // decoding the stored pair gives the model's reconstruction of the clip
        using var clip = ds.Get(4);
        using var _ = no_grad();
        var direct = model.call(clip.Frames.unsqueeze(0));
        var fromPairs = model.Decode(back.Content[4..5], back.Z[4..5]);
        Assert.True(direct.sub(fromPairs).abs().max().item<float>() < 1e-5f);
    }
}
