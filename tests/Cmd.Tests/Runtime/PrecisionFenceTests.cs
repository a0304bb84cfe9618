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
    public void ABackwardAfterTheScopeLeavesThePrecisionAsItFoundIt()
    {
        using var scope = NewDisposeScope();
        var q = randn(8, 3, 64, 32).requires_grad_(true);
        Tensor o;
        using (MatmulPrecision.Use(Fp32Matmul.Bf16)) o = PrecisionFence.Attention(q, q, q);
        o.sum().backward();                                               // at IEEE, after the scope ended
        Assert.Equal(Fp32Matmul.Ieee, MatmulPrecision.Current);
    }

    [Bf16ProductsFact]
    public void WithOneInputNeedingGradientsTheBackwardIsExactAndSetsBf16Back()
    {
        using var scope = NewDisposeScope();
        foreach (int needing in new[] { 0, 1 })                          // q alone, k alone (v: the tests above)
        {
            static Tensor[] Inputs()
            {
                manual_seed(5);
                return [randn(8, 3, 64, 32), randn(8, 3, 64, 32), randn(8, 3, 64, 32)];
            }
            var fenced = Inputs();
            var exact = Inputs();                                         // the same values
            fenced[needing].requires_grad_(true);
            exact[needing].requires_grad_(true);
            Sdpa(exact[0], exact[1], exact[2]).sum().backward();
            using (MatmulPrecision.Use(Fp32Matmul.Bf16))
            {
                PrecisionFence.Attention(fenced[0], fenced[1], fenced[2]).sum().backward();
                Assert.Equal(Fp32Matmul.Bf16, MatmulPrecision.Current);      // the input's node ran after attention's
            }
            Assert.True(fenced[needing].grad!.equal(exact[needing].grad!).all().item<bool>(), $"input {needing}");
        }
    }
}
