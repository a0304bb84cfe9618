using Cmd.Models.Autoencoder;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Backbones;

/// <summary>
/// TimeSformer (divided space-time attention) on a token grid [B, L, H'W', C']. Adds space and time
/// position information to the tokens first. (NVlabs/CMD's vit_modules.py builds rotary embeddings and
/// never applies them, so its TimeSformer sees no positions at all: <see cref="PositionEmbeddingKind.None"/>.)
/// </summary>
public sealed class TimeSformer : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<TimeSformerBlock> blocks;
    readonly LayerNorm? norm;
    readonly Parameter? pos_embed_time, pos_embed_space;
    readonly PositionEmbeddingKind positions;

    public TimeSformer(int dim, int depth, int heads, int headDim, int mlpRatio, int frames, int gridH, int gridW,
        PositionEmbeddingKind positions, bool finalNorm) : base(nameof(TimeSformer))
    {
        this.positions = positions;
        blocks = new ModuleList<TimeSformerBlock>();
        for (int i = 0; i < depth; i++) blocks.Add(new TimeSformerBlock(dim, heads, headDim, mlpRatio));
        if (finalNorm) norm = nn.LayerNorm(dim);
        if (positions == PositionEmbeddingKind.Learned)
        {
            pos_embed_time = nn.Parameter(randn(1, frames, 1, dim) * 0.02);
            pos_embed_space = nn.Parameter(randn(1, 1, gridH * gridW, dim) * 0.02);
        }
        else if (positions == PositionEmbeddingKind.SinCos)
        {
            // Fixed tables: non-persistent buffers (they move with .to(device) but are not in the state dict).
            register_buffer("sincos_time", TimeSformerPositionEmbedding.Time(dim, frames).view(1, frames, 1, dim), persistent: false);
            register_buffer("sincos_space", TimeSformerPositionEmbedding.Space(dim, gridH, gridW).view(1, 1, gridH * gridW, dim), persistent: false);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>
    /// Tokens [B, L, H'W', C']; with context tokens [B, H'W', C'] on the same grid (space positions added, not updated
    /// by the blocks), every block's space attention also attends to them.
    /// </summary>
    public Tensor Forward(Tensor x, Tensor? context)
    {
        if (PositionTables() is { } table)
        {
            x = x + table.time + table.space;
            if (context is not null) context = context + table.space.squeeze(1);
        }
        foreach (var block in blocks) x = context is null ? block.call(x) : block.Forward(x, context);
        return norm is null ? x : norm.call(x);
    }

    (Tensor time, Tensor space)? PositionTables() => positions switch
    {
        PositionEmbeddingKind.Learned => (pos_embed_time!, pos_embed_space!),
        PositionEmbeddingKind.SinCos => (get_buffer("sincos_time")!, get_buffer("sincos_space")!),
        _ => null,
    };
}
