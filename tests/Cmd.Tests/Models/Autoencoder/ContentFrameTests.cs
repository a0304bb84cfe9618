using Cmd.Models.Autoencoder;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Autoencoder;

public class ContentFrameTests
{
    [Fact]
    public void EntropyIsLogLForUniformWeightsAndZeroForOneFrame()
    {
        using var uniform = full(new long[] { 2, 8, 1, 1, 1 }, 1.0f / 8);
        Assert.Equal(Math.Log(8), ContentFrame.Entropy(uniform).item<float>(), 5);
        using var oneFrame = zeros(new long[] { 2, 8, 1, 1, 1 });
        oneFrame[.., 3] = ones(new long[] { 2, 1, 1, 1 });
        Assert.Equal(0.0, ContentFrame.Entropy(oneFrame).item<float>(), 6);
    }

    [Fact]
    public void ImportanceEntropyAddsItsWeightedEntropyToTheLossAndPullsWeightsToOneFrame()
    {
        var config = RunPresets.Tiny.Autoencoder with { Importance = ImportanceGranularity.Frame };
        manual_seed(0);
        using var plain = new CmdAutoencoder(config);
        using var sharp = new CmdAutoencoder(config with { ImportanceEntropy = 0.5 });
        sharp.load_state_dict(plain.state_dict());
        using var video = rand(new long[] { 2, 8, 1, 32, 32 }) * 2 - 1;
        // the importance head starts at zero: uniform weights, entropy log 8
        Assert.Equal(plain.Loss(video).item<float>() + 0.5 * Math.Log(8), sharp.Loss(video).item<float>(), 4);
        // and its gradient reaches the head (what moves the weights away from uniform)
        sharp.Loss(video).backward();
        var grad = sharp.named_parameters().Where(p => p.name.StartsWith("importance_head.")).Sum(p => p.parameter.grad!.abs().sum().item<float>());
        Assert.True(grad > 0, $"importance head gradient {grad}");
        Assert.Throws<ArgumentException>(() => new CmdAutoencoder(config with { ImportanceEntropy = 0.5, WeightedSum = false }));
    }
}
