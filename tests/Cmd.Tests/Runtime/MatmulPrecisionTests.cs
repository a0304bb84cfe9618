using Cmd.Runtime;
using static TorchSharp.torch;

namespace Cmd.Tests.Runtime;

/// <summary>Runs only where oneDNN has bfloat16 products (AMX or AVX512_BF16) and is on.</summary>
public sealed class Bf16ProductsFactAttribute : FactAttribute
{
    public Bf16ProductsFactAttribute()
    {
        if (MatmulPrecision.Bf16Unavailable() is string why) Skip = why;
    }
}

/// <summary>oneDNN's float32 matmul precision: set, read back, restored, and what it does to a product.</summary>
public class MatmulPrecisionTests
{
    [Fact]
    public void UseSetsThePrecisionAndRestoresTheOneBefore()
    {
        Assert.Equal(Fp32Matmul.Ieee, MatmulPrecision.Current);
        using (MatmulPrecision.Use(Fp32Matmul.Bf16))
        {
            Assert.Equal(Fp32Matmul.Bf16, MatmulPrecision.Current);
            using (MatmulPrecision.Use(Fp32Matmul.Ieee)) Assert.Equal(Fp32Matmul.Ieee, MatmulPrecision.Current);
            Assert.Equal(Fp32Matmul.Bf16, MatmulPrecision.Current);
        }
        Assert.Equal(Fp32Matmul.Ieee, MatmulPrecision.Current);
    }

    [Bf16ProductsFact]
    public void Bf16RoundsTheInputsOfFloat32ProductsOnlyWhileSet()
    {
        using var rng = new Generator(0UL);
        using var a = randn([256, 256], generator: rng);
        using var b = randn([256, 256], generator: rng);
        using var exact = a.to(float64).matmul(b.to(float64));
        double Error()
        {
            using var product = a.matmul(b);
            Assert.Equal(ScalarType.Float32, product.dtype);
            return ((product.to(float64) - exact).abs().max() / exact.abs().max()).item<double>();
        }
        double ieee = Error(), bf16;
        using (MatmulPrecision.Use(Fp32Matmul.Bf16)) bf16 = Error();
        Assert.True(ieee < 1e-5, $"IEEE product off by {ieee:E1}");
        Assert.InRange(bf16, 1e-4, 2e-2);                      // bfloat16's 8 bits of mantissa, float32 sums
        Assert.True(Error() < 1e-5, "the product stayed in bfloat16 after the scope");
    }
}
