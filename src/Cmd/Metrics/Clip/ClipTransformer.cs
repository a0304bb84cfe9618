using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Metrics.Clip;

/// <summary>CLIP's QuickGELU: x * sigmoid(1.702 x).</summary>
public sealed class QuickGELU() : nn.Module<Tensor, Tensor>("QuickGELU")
{
    public override Tensor forward(Tensor x) => x * torch.sigmoid(1.702 * x);
}

/// <summary>nn.MultiheadAttention's parameters (in_proj_weight, in_proj_bias, out_proj) as CLIP uses them, on [N, L, D].</summary>
public sealed class ClipAttention : nn.Module<Tensor, Tensor>
{
    readonly Parameter in_proj_weight, in_proj_bias;
    readonly Linear out_proj;
    readonly int heads;
    readonly bool causal;

    public ClipAttention(int width, int heads, bool causal) : base("ClipAttention")
    {
        this.heads = heads;
        this.causal = causal;
        in_proj_weight = nn.Parameter(zeros(3 * width, width));
        in_proj_bias = nn.Parameter(zeros(3 * width));
        out_proj = nn.Linear(width, width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long n = x.shape[0], l = x.shape[1], d = x.shape[2];
        var qkv = nn.functional.linear(x, in_proj_weight, in_proj_bias).view(n, l, 3, heads, d / heads).permute(2, 0, 3, 1, 4);
        // the text tower's mask is build_attention_mask(): -inf above the diagonal, i.e. causal attention
        var y = nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], is_casual: causal);
        return out_proj.call(y.transpose(1, 2).reshape(n, l, d));
    }
}

/// <summary>model.py's ResidualAttentionBlock: x + attn(ln_1(x)), then x + mlp(ln_2(x)) with a 4x QuickGELU MLP.</summary>
public sealed class ClipResidualAttentionBlock : nn.Module<Tensor, Tensor>
{
    readonly ClipAttention attn;
    readonly LayerNorm ln_1, ln_2;
    readonly Sequential mlp;

    public ClipResidualAttentionBlock(int width, int heads, bool causal) : base("ResidualAttentionBlock")
    {
        attn = new ClipAttention(width, heads, causal);
        ln_1 = nn.LayerNorm(width);
        mlp = nn.Sequential(("c_fc", nn.Linear(width, 4 * width)), ("gelu", new QuickGELU()), ("c_proj", nn.Linear(4 * width, width)));
        ln_2 = nn.LayerNorm(width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = x + attn.call(ln_1.call(x));
        return x + mlp.call(ln_2.call(x));
    }
}

/// <summary>model.py's Transformer: a stack of residual attention blocks (keys transformer.resblocks.N.*), on [N, L, D].</summary>
public sealed class ClipTransformer : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<ClipResidualAttentionBlock> resblocks = new();

    public ClipTransformer(int width, int layers, int heads, bool causal) : base("Transformer")
    {
        for (int i = 0; i < layers; i++) resblocks.Add(new ClipResidualAttentionBlock(width, heads, causal));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var block in resblocks) x = block.call(x);
        return x;
    }
}
