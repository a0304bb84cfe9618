using Cmd.Benchmarks;
using Cmd.Metrics.Efficiency;
using Cmd.Models.Autoencoder;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Cmd.Tests.Benchmarks;

/// <summary>`bench ae --products`: the shapes are the ones the model runs; timing them gives finite rates.</summary>
public class AutoencoderProductsTests
{
    /// <summary>An inner attention width (heads x head dim = 32) unlike the hidden width (64), so a shape that mixes
    /// them up is caught: one block's forward products (time and space attention, fc1 as two halves, fc2) add up to
    /// the FLOPs the profiler counts on the real model's first block, and each gradient product has its forward's
    /// FLOPs.</summary>
    [Fact]
    public void ShapesAreTheProductsOfABlock()
    {
        var config = RunPresets.Autoencoder("tiny") with { HeadDim = 16 };
        const int batch = 2;
        var shapes = AutoencoderProducts.Shapes(config, batch).ToDictionary(s => s.Name);
        Assert.Equal(12, shapes.Count);
        double F(string name) => shapes[name].Flops;
        double block = 2 * F("qkv forward") + 2 * F("proj forward") + 2 * F("fc1 half forward") + F("fc2 forward");
        using var model = new CmdAutoencoder(config);
        using var profiler = new FlopProfiler(model);
        using (no_grad())
            model.call(rand([batch, config.Frames, config.Channels, config.Height, config.Width]) * 2 - 1).Dispose();
        double counted = profiler.Calls.Where(c => c.Kind == "linear" && c.Path.StartsWith("encoder.blocks.0."))
            .Sum(c => c.Flops);
        Assert.Equal(counted, block, 6);
        foreach (var layer in new[] { "qkv", "proj", "fc1 half", "fc2" })
        {
            Assert.Equal(F($"{layer} forward"), F($"{layer} input gradient"));
            Assert.Equal(F($"{layer} forward"), F($"{layer} weight gradient"));
        }
        long rows = batch * config.TokensPerVideo;     // the FLOPs cannot tell [M, K] x [K, N] from its mirror
        Assert.Equal(new AutoencoderProducts.Shape("qkv weight gradient", 3 * 2 * 16, rows, 64),
            shapes["qkv weight gradient"]);
        Assert.Equal(new AutoencoderProducts.Shape("proj forward", rows, 2 * 16, 64), shapes["proj forward"]);
        Assert.Equal(new AutoencoderProducts.Shape("fc2 input gradient", rows, 64, 4 * 64),
            shapes["fc2 input gradient"]);
    }

    [Fact]
    public void TimedProductsHaveFiniteRates()
    {
        using var yardstick = new MatmulRate.Yardstick(size: 64, perSample: 1);
        var timed = AutoencoderProducts.Time([new("a", 32, 16, 8), new("b", 8, 32, 16)], steps: 2, yardstick);
        Assert.Equal(["a", "b"], timed.Select(p => p.Shape.Name));
        Assert.All(timed, p => Assert.True(p.Timing.Seconds.Length == 2 && double.IsFinite(p.GflopsPerSecond)
            && p.GflopsPerSecond > 0));
        Assert.Equal(4, yardstick.Result().Timing.Seconds.Length);   // one yardstick product before each timed one
    }
}
