using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Backbones;

/// <summary>
/// One TimeSformer block with divided space-time attention (Bertasius et al. 2021): pre-norm attention over
/// time (each patch position across the L frames), then over space (the H'W' patches of a frame), then a
/// feed-forward, each with a residual. Input and output: tokens [B, L, N, C'] with N = H'W'. With context tokens
/// [B, M, C'], the space attention of each frame also attends to its video's context (keys and values only).
/// </summary>
public sealed class TimeSformerBlock : nn.Module<Tensor, Tensor>
{
    readonly LayerNorm time_norm, space_norm, ff_norm;
    readonly TimeSformerAttention time_attn, space_attn;
    readonly TimeSformerFeedForward ff;

    public TimeSformerBlock(int dim, int heads, int headDim, int mlpRatio) : base(nameof(TimeSformerBlock))
    {
        time_norm = nn.LayerNorm(dim);
        time_attn = new TimeSformerAttention(dim, heads, headDim);
        space_norm = nn.LayerNorm(dim);
        space_attn = new TimeSformerAttention(dim, heads, headDim);
        ff_norm = nn.LayerNorm(dim);
        ff = new TimeSformerFeedForward(dim, mlpRatio);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => BlockScope.Run(() => Divided(x, null));

    /// <summary>The block with each frame's space attention also over <paramref name="context"/> [B, M, C'] (null: none).</summary>
    public Tensor Forward(Tensor x, Tensor? context) => BlockScope.Run(() => Divided(x, context));

    Tensor Divided(Tensor x, Tensor? context)
    {
        long b = x.shape[0], l = x.shape[1], n = x.shape[2], c = x.shape[3];
        var t = x.permute(0, 2, 1, 3).reshape(b * n, l, c);           // time: one sequence per patch position
        t = t + BlockScope.Run(() => time_attn.call(time_norm.call(t)));
        var s = t.view(b, n, l, c).permute(0, 2, 1, 3).reshape(b * l, n, c); // space: one sequence per frame
        s = s + BlockScope.Run(() => context is null ? space_attn.call(space_norm.call(s))
            : space_attn.Attend(space_norm.call(s), space_norm.call(context)));
        s = s + BlockScope.Run(() => ff.call(ff_norm.call(s)));
        return s.view(b, l, n, c);
    }
}
