using Cmd.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Denoisers;

/// <summary>Shared pieces of DiT blocks.</summary>
public static class AdaLN
{
    /// <summary>x * (1 + scale) + shift, with per-sample shift/scale broadcast over tokens.</summary>
    public static Tensor Modulate(Tensor x, Tensor shift, Tensor scale) => x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1);

    public static Tensor Norm(Tensor x) => nn.functional.layer_norm(x, [x.shape[^1]], eps: 1e-6);

    public static Sequential Modulation(int hiddenSize, int chunks) => nn.Sequential(nn.SiLU(), nn.Linear(hiddenSize, chunks * hiddenSize));
}

/// <summary>Multi-head self-attention with a fused qkv projection (timm `Attention`, qkv_bias=True).</summary>
public sealed class DiTAttention : nn.Module<Tensor, Tensor>
{
    readonly int numHeads;
    readonly Linear qkv, proj;

    public DiTAttention(int dim, int numHeads) : base(nameof(DiTAttention))
    {
        this.numHeads = numHeads;
        qkv = nn.Linear(dim, dim * 3, hasBias: true);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], n = x.shape[1], c = x.shape[2];
        // q, k, v [B, heads, N, hd] as views; unbinding the "3" axis in place makes the backward one stack into qkv's layout
        var parts = qkv.call(x).view(b, n, 3, numHeads, c / numHeads).unbind(2);
        var o = PrecisionFence.Attention(parts[0].transpose(1, 2), parts[1].transpose(1, 2), parts[2].transpose(1, 2));
        return proj.call(o.transpose(1, 2).reshape(b, n, c));
    }
}

/// <summary>Two-layer MLP with tanh-approximated GELU (timm `Mlp` as DiT builds it).</summary>
public sealed class DiTMlp : nn.Module<Tensor, Tensor>
{
    readonly Linear fc1, fc2;

    public DiTMlp(int dim, int hidden) : base(nameof(DiTMlp))
    {
        fc1 = nn.Linear(dim, hidden);
        fc2 = nn.Linear(hidden, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => fc2.call(nn.functional.gelu(fc1.call(x), TorchSharp.Modules.GELU.Approximate.tanh));
}

/// <summary>A DiT block with adaptive layer norm zero (adaLN-Zero) conditioning.</summary>
public sealed class DiTBlock : nn.Module<Tensor, Tensor, Tensor>
{
    readonly DiTAttention attn;
    readonly DiTMlp mlp;
    readonly Sequential adaLN_modulation;

    public DiTBlock(int hiddenSize, int numHeads, double mlpRatio = 4.0) : base(nameof(DiTBlock))
    {
        attn = new DiTAttention(hiddenSize, numHeads);
        mlp = new DiTMlp(hiddenSize, (int)(hiddenSize * mlpRatio));
        adaLN_modulation = AdaLN.Modulation(hiddenSize, 6);
        RegisterComponents();
    }

    public Sequential Modulation => adaLN_modulation;

    public override Tensor forward(Tensor x, Tensor c) => BlockScope.Run(() =>
    {
        var m = adaLN_modulation.call(c).chunk(6, 1); // shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp
        x = x + BlockScope.Run(() => m[2].unsqueeze(1) * attn.call(AdaLN.Modulate(AdaLN.Norm(x), m[0], m[1])));
        return x + BlockScope.Run(() => m[5].unsqueeze(1) * mlp.call(AdaLN.Modulate(AdaLN.Norm(x), m[3], m[4])));
    });
}

/// <summary>The final layer of DiT: adaLN (shift, scale) then a linear map to p*p*out_channels per token.</summary>
public sealed class FinalLayer : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear linear;
    readonly Sequential adaLN_modulation;

    public FinalLayer(int hiddenSize, int patchSize, int outChannels) : this(hiddenSize, patchSize * patchSize * outChannels) { }

    public FinalLayer(int hiddenSize, long outFeatures) : base(nameof(FinalLayer))
    {
        linear = nn.Linear(hiddenSize, outFeatures);
        adaLN_modulation = AdaLN.Modulation(hiddenSize, 2);
        RegisterComponents();
    }

    public Linear Linear => linear;
    public Sequential Modulation => adaLN_modulation;

    public override Tensor forward(Tensor x, Tensor c)
    {
        var m = adaLN_modulation.call(c).chunk(2, 1);
        return linear.call(AdaLN.Modulate(AdaLN.Norm(x), m[0], m[1]));
    }
}
