using Cmd.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Backbones;

/// <summary>Multi-head self-attention over the middle axis of [S, T, C'] (timm's Attention with qkv bias; inner width heads x head dim).</summary>
public sealed class TimeSformerAttention : nn.Module<Tensor, Tensor>
{
    readonly Linear qkv;
    readonly Linear proj;
    readonly int heads, headDim;

    /// <summary>Raised by <see cref="Attend"/> for FLOP counting: (context tokens, sequences, query length, context length, inner width).</summary>
    public event Action<long, long, long, long, long>? ContextAttended;

    /// <summary>C': the width of the tokens it reads.</summary>
    public long Width => qkv.weight!.shape[1];

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
        return Attended(parts[0], parts[1], parts[2]);
    }

    /// <summary>
    /// x [S, T, C'] attends to its own tokens and to context tokens [B, M, C'] shared by each group of S / B consecutive
    /// sequences (the frames of one video): keys and values are cat(x's, the context's); queries are x's only.
    /// </summary>
    public Tensor Attend(Tensor x, Tensor context)
    {
        long s = x.shape[0], t = x.shape[1], b = context.shape[0], m = context.shape[1], inner = heads * headDim;
        if (s % b != 0) throw new ArgumentException($"{s} sequences do not split into the context's {b} groups");
        var parts = qkv.call(x).view(s, t, 3, heads, headDim).unbind(2);
        // k, v of the context (qkv's last two thirds), once per group, then shared by its S / B sequences.
        var kv = nn.functional.linear(context, qkv.weight!.narrow(0, inner, 2 * inner), qkv.bias!.narrow(0, inner, 2 * inner));
        var shared = kv.view(b, 1, m, 2, heads, headDim).expand(b, s / b, m, 2, heads, headDim)
            .reshape(s, m, 2, heads, headDim).unbind(2);
        ContextAttended?.Invoke(b * m, s, t, m, inner);
        return Attended(parts[0], cat([parts[1], shared[0]], 1), cat([parts[2], shared[1]], 1));
    }

    /// <summary>q [S, T, h, hd], k and v [S, T', h, hd] -> proj(softmax(q k^T / sqrt(hd)) v) [S, T, C'].</summary>
    Tensor Attended(Tensor q, Tensor k, Tensor v)
    {
        long s = q.shape[0], t = q.shape[1];
        var attended = PrecisionFence.Attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2));
        return proj.call(attended.transpose(1, 2).reshape(s, t, heads * headDim));
    }
}
