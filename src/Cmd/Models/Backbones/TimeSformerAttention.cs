using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Backbones;

/// <summary>Multi-head self-attention over the middle axis of [S, T, C'] (timm's Attention with qkv bias; inner width heads x head dim).</summary>
public sealed class TimeSformerAttention : nn.Module<Tensor, Tensor>
{
    readonly Linear qkv;
    readonly Linear proj;
    readonly int heads, headDim;

    public TimeSformerAttention(int dim, int heads, int headDim) : base(nameof(TimeSformerAttention))
    {
        this.heads = heads;
        this.headDim = headDim;
        qkv = nn.Linear(dim, 3 * heads * headDim, hasBias: true);
        proj = nn.Linear(heads * headDim, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long s = x.shape[0], t = x.shape[1];
        // q, k, v [S, h, T, hd] as views of qkv's output. Unbinding the "3" axis (not indexing a permuted copy) makes the
        // backward one stack into qkv's layout instead of three zero-filled full-size gradients summed (~4 ms per layer).
        var parts = qkv.call(x).view(s, t, 3, heads, headDim).unbind(2);
        var attended = nn.functional.scaled_dot_product_attention(parts[0].transpose(1, 2), parts[1].transpose(1, 2), parts[2].transpose(1, 2));
        return proj.call(attended.transpose(1, 2).reshape(s, t, heads * headDim));
    }
}
