using Cmd.Models.Autoencoder;
using static TorchSharp.torch;

namespace Cmd.Benchmarks;

/// <summary>
/// The matrix products of the autoencoder's TimeSformer layers at the shapes a training step runs them (each linear
/// layer's forward, input gradient and weight gradient; fc1 as the feed-forward computes it, two halves), each timed
/// alone, with the matmul yardstick timed between them: how fast the step's products run on this machine, apart from
/// everything else in the step (`bench ae --products`).
/// </summary>
public static class AutoencoderProducts
{
    /// <summary>[M, K] by [K, N] (2 M K N FLOPs).</summary>
    public sealed record Shape(string Name, long M, long K, long N)
    {
        public double Flops => 2.0 * M * K * N;
        public override string ToString() => $"{Name} {M}x{K} by {K}x{N}";
    }

    public sealed record Product(Shape Shape, StepTiming Timing)
    {
        public double GflopsPerSecond => Shape.Flops / Timing.Median / 1e9;
    }

    /// <summary>The products of one block's linear layers for a batch of <paramref name="batch"/> videos.</summary>
    public static IReadOnlyList<Shape> Shapes(AutoencoderConfig c, int batch)
    {
        long rows = (long)batch * c.TokensPerVideo, d = c.Hidden, inner = (long)c.Heads * c.HeadDim;
        long mlp = d * c.MlpRatio;
        (string Name, long In, long Out)[] layers =
            [("qkv", d, 3 * inner), ("proj", inner, d), ("fc1 half", d, mlp), ("fc2", mlp, d)];
        return [.. layers.SelectMany(l => new Shape[]
        {
            new($"{l.Name} forward", rows, l.In, l.Out),
            new($"{l.Name} input gradient", rows, l.Out, l.In),
            new($"{l.Name} weight gradient", l.Out, rows, l.In),
        })];
    }

    /// <summary>Each shape's product timed <paramref name="steps"/> times (after 3 untimed), fp32 on the CPU, with one
    /// yardstick product timed before each.</summary>
    public static IReadOnlyList<Product> Time(IEnumerable<Shape> shapes, int steps,
        MatmulRate.Yardstick yardstick)
    {
        var products = new List<Product>();
        foreach (var shape in shapes)
        {
            using var a = randn(shape.M, shape.K);
            using var b = randn(shape.K, shape.N);
            var timing = StepTiming.Run(shape.ToString(), () => { using var scope = NewDisposeScope(); a.mm(b); },
                warmup: 3, steps, yardstick.Time);
            products.Add(new Product(shape, timing));
        }
        return products;
    }
}
