using Cmd.Runtime;
using static TorchSharp.torch;

namespace Cmd.Tests.Runtime;

/// <summary>Attention at IEEE in both passes while the products around it run with bfloat16 inputs.</summary>
public class PrecisionFenceTests
{
    /// <summary>Output and q, k, v gradients of attention at the autoencoder's space attention ([S, h, T, hd] =
    /// [8, 3, 64, 32]) for one upstream gradient.</summary>
    static Tensor[] Run(Func<Tensor, Tensor, Tensor, Tensor> attend)
    {
        using var rng = new Generator(1UL);
        Tensor Leaf() => randn([8, 3, 64, 32], generator: rng).requires_grad_(true);
        var (q, k, v) = (Leaf(), Leaf(), Leaf());
        var upstream = randn([8, 3, 64, 32], generator: rng);
        var o = attend(q, k, v);
        o.backward([upstream]);
        return [o.detach(), q.grad!, k.grad!, v.grad!];
    }

    static Tensor Sdpa(Tensor q, Tensor k, Tensor v) => nn.functional.scaled_dot_product_attention(q, k, v);

    [Bf16ProductsFact]
    public void WhileProductsUseBf16AttentionRunsAtIeeeInBothPasses()
    {
        using var scope = NewDisposeScope();
        var ieee = Run(Sdpa);
        Tensor[] fenced, unfenced;
        using (MatmulPrecision.Use(Fp32Matmul.Bf16))
        {
            fenced = Run(PrecisionFence.Attention);
            Assert.Equal(Fp32Matmul.Bf16, MatmulPrecision.Current);        // its backward set bf16 back
            unfenced = Run(Sdpa);
        }
        for (int i = 0; i < 4; i++) Assert.True(fenced[i].equal(ieee[i]).all().item<bool>(), $"tensor {i} differs");
        // the control: libtorch's attention itself changes under bf16 here, so the equality above is the fence's
        Assert.False(unfenced[1].equal(ieee[1]).all().item<bool>(), "attention's backward ignores the precision");
        Assert.True(unfenced[1].allclose(ieee[1], 5e-2, 5e-2));
    }

    [Fact]
    public void AtIeeeItIsLibtorchsAttention()
    {
        using var scope = NewDisposeScope();
        var fenced = Run(PrecisionFence.Attention);
        var plain = Run(Sdpa);
        for (int i = 0; i < 4; i++) Assert.True(fenced[i].equal(plain[i]).all().item<bool>(), $"tensor {i} differs");
    }

    [Bf16ProductsFact]
    public void WithoutGradientsItOnlyRunsAttentionAtIeee()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(8, 3, 64, 32);
        var plain = Sdpa(x, x, x);
        using (MatmulPrecision.Use(Fp32Matmul.Bf16))
        {
            Assert.True(PrecisionFence.Attention(x, x, x).equal(plain).all().item<bool>());
            Assert.Equal(Fp32Matmul.Bf16, MatmulPrecision.Current);
            Assert.False(Sdpa(x, x, x).equal(plain).all().item<bool>(), "attention ignores the precision (control)");
        }
    }

    [Bf16ProductsFact]
    public void ABackwardAfterTheScopeAndOneInputWithGradientsLeaveThePrecisionAsTheyFoundIt()
    {
        using var scope = NewDisposeScope();
        var q = randn(8, 3, 64, 32).requires_grad_(true);
        var kv = randn(8, 3, 64, 32);                                     // no gradient for k and v
        Tensor o;
        using (MatmulPrecision.Use(Fp32Matmul.Bf16)) o = PrecisionFence.Attention(q, kv, kv);
        o.sum().backward();                                               // run at IEEE, after the scope ended
        Assert.Equal(Fp32Matmul.Ieee, MatmulPrecision.Current);
        var exact = q.detach().requires_grad_(true);
        Sdpa(exact, kv, kv).sum().backward();
        Assert.True(q.grad!.equal(exact.grad!).all().item<bool>());
    }
}
