using Cmd.Metrics.Efficiency;
using static TorchSharp.torch;

namespace Cmd.Tests.Metrics.Efficiency;

/// <summary>The FLOP profiler: hooked layers against hand counts.</summary>
public class FlopProfilerTests
{
    /// <summary>A ViT/DiT-style attention: fused qkv, scaled_dot_product_attention, output projection.</summary>
    sealed class TestAttention : nn.Module<Tensor, Tensor>
    {
        readonly TorchSharp.Modules.Linear qkv, proj;
        readonly int heads;
        public TestAttention(int dim, int heads) : base("TestAttention")
        {
            qkv = nn.Linear(dim, 3 * dim); proj = nn.Linear(dim, dim); this.heads = heads;
            RegisterComponents();
        }
        public override Tensor forward(Tensor x)
        {
            long b = x.shape[0], l = x.shape[1], d = x.shape[2];
            var p = qkv.call(x).reshape(b, l, 3, heads, d / heads).permute(2, 0, 3, 1, 4);
            var o = nn.functional.scaled_dot_product_attention(p[0], p[1], p[2]);
            return proj.call(o.transpose(1, 2).reshape(b, l, d));
        }
    }

    [Fact]
    public void LinearIsTwiceRowsInOut()
    {
        using var lin = nn.Linear(7, 5);
        using var prof = new FlopProfiler(lin);
        using var x = randn(3L, 4L, 7L);
        lin.call(x).Dispose();
        Assert.Equal(2.0 * 12 * 7 * 5, prof.Total); // hand count: 12 rows, 7 -> 5
        Assert.Equal(2.0 * 12 * 7 * 5, LayerFlops.Linear(12, 7, 5));
    }

    [Fact]
    public void ConvCountsOutputPositionsTimesKernel()
    {
        using var conv = nn.Conv3d(3, 8, kernel_size: 3, padding: 1, stride: 2);
        using var prof = new FlopProfiler(conv);
        using var x = randn(new long[] { 2, 3, 4, 10, 10 });
        conv.call(x).Dispose(); // output [2, 8, 2, 5, 5]
        Assert.Equal(2.0 * (2 * 2 * 5 * 5) * 8 * 3 * 27, prof.Total);
    }

    [Fact]
    public void AttentionCountsProjectionsAndBothMatmuls()
    {
        const int b = 2, l = 10, d = 12;
        using var attn = new TestAttention(d, heads: 3);
        using var prof = new FlopProfiler(attn);
        using var x = randn(b, l, d);
        attn.call(x).Dispose();
        // hand count: qkv 2*20*12*36, QK^T 2*b*h*l*l*(d/h) = 2*b*l*l*d, AV the same, proj 2*20*12*12
        double hand = 2.0 * 20 * 12 * 36 + 2 * (2.0 * b * l * l * d) + 2.0 * 20 * 12 * 12;
        Assert.Equal(hand, prof.Total);
        Assert.Equal(hand, LayerFlops.SelfAttentionBlock(b, l, d));
        Assert.Equal(4.0 * b * l * l * d, prof.TotalOf("attention"));
    }
}
