using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Denoisers;

/// <summary>
/// The motion diffusion model eps_M(z_t, c, x̄, t) (Eq. 8): DiT blocks over [z tokens ; content-frame tokens].
/// z = [N, D, L, H'+W'] becomes (L/p) x ((H'+W')/p) patch tokens (L/p_L with the workbench's frames per patch p_L);
/// the content frame [N, C, H, W] becomes (H/k) x (W/k) tokens (k = key patch size),
/// a dense condition at the input level; t and the class (or a projected text embedding) modulate every block through adaLN-Zero.
/// Only the z tokens are read out.
/// </summary>
public sealed class MotionDiT : nn.Module<Tensor, Tensor, Tensor, Tensor?, Tensor>
{
    public readonly MotionDiTConfig Config;
    readonly PatchEmbed x_embedder;      // z_t patches
    readonly PatchEmbed key_embedder;    // content-frame patches
    readonly TimestepEmbedder t_embedder;
    readonly LabelEmbedder? y_embedder;  // Condition = Class
    readonly Linear? text_proj;          // Condition = Text (appendix B.3: linear projection to the DiT width)
    readonly MagnitudeEmbedder? m_embedder;  // workbench switch: how far z moves (MagnitudeCondition)
    readonly Parameter pos_embed;        // fixed sin-cos on the z grid (L/p, (H'+W')/p)
    readonly Parameter key_pos_embed;    // fixed sin-cos on the content grid
    readonly ModuleList<DiTBlock> blocks;
    readonly FinalLayer final_layer;

    public MotionDiT(MotionDiTConfig config) : base(nameof(MotionDiT))
    {
        Config = config.Validate();
        int d = config.HiddenSize;
        x_embedder = new PatchEmbed(config.PatchFrames, config.PatchSize, config.LatentChannels, d);
        key_embedder = new PatchEmbed(config.KeyPatchSize, config.ContentChannels, d);
        t_embedder = new TimestepEmbedder(d);
        if (config.Condition == MotionCondition.Class) y_embedder = new LabelEmbedder(config.NumClasses, d, config.ClassDropoutProb);
        if (config.Condition == MotionCondition.Text) text_proj = nn.Linear(config.TextDim, d);
        if (config.MagnitudeCondition) m_embedder = new MagnitudeEmbedder(config.MagnitudeInputs, d);
        pos_embed = Frozen(PosEmbed.SinCos2D(d, config.ZGridRows, config.ZGridCols), config.ZTokens, d);
        key_pos_embed = Frozen(PosEmbed.SinCos2D(d, config.ContentHeight / config.KeyPatchSize, config.ContentWidth / config.KeyPatchSize), config.ContentTokens, d);
        blocks = new ModuleList<DiTBlock>();
        for (int i = 0; i < config.Depth; i++) blocks.Add(new DiTBlock(d, config.NumHeads, config.MlpRatio));
        final_layer = new FinalLayer(d, (long)config.PatchFrames * config.PatchSize * config.OutChannels);
        RegisterComponents();
        DiTInit.Initialize(this, x_embedder, t_embedder, y_embedder!, blocks, final_layer);
        using (no_grad())
        {
            DiTInit.XavierAsLinear(key_embedder.Proj.weight!);
            nn.init.zeros_(key_embedder.Proj.bias!);
        }
    }

    static Parameter Frozen(float[] values, int tokens, int dim) => new(tensor(values).reshape(1, tokens, dim), requires_grad: false);

    public int NullClass => Config.NumClasses;
    public LabelEmbedder? YEmbedder => y_embedder;

    /// <summary>z: [N, D, L, H'+W'], t: [N], content: [N, C, H, W], cond: labels [N] (Class), embeddings [N, TextDim] (Text) or null (None).</summary>
    public override Tensor forward(Tensor z, Tensor t, Tensor content, Tensor? cond) =>
        Forward(z, t, content, cond, null);

    /// <summary><see cref="forward"/> with the magnitude condition m [N, 2D]
    /// (<see cref="MotionDiTConfig.MagnitudeCondition"/>; null for a DiT without it).</summary>
    public Tensor Forward(Tensor z, Tensor t, Tensor content, Tensor? cond, Tensor? magnitude)
    {
        Check(z, content, cond);
        CheckMagnitude(z, magnitude);
        var zTokens = x_embedder.call(z) + pos_embed;
        var keyTokens = key_embedder.call(content) + key_pos_embed;
        var h = cat([zTokens, keyTokens], 1);
        var c = t_embedder.call(t);
        if (y_embedder is not null) c = c + y_embedder.Forward(cond!, training);
        if (text_proj is not null) c = c + text_proj.call(cond!);
        if (m_embedder is not null) c = c + m_embedder.call(magnitude!);
        foreach (var block in blocks) h = block.call(h, c);
        h = final_layer.call(h[.., ..Config.ZTokens], c);           // only the z tokens are predicted
        return Patches.Unpatchify(h, Config.ZGridRows, Config.ZGridCols, Config.PatchFrames, Config.PatchSize,
            Config.OutChannels);
    }

    /// <summary>Classifier-free guidance over a [cond; uncond] batch (all eps channels guided).</summary>
    public Tensor ForwardWithCfg(Tensor z, Tensor t, Tensor content, Tensor? cond, double cfgScale,
        Tensor? magnitude = null) =>
        Guidance.Apply(z, zz => Forward(zz, t, content, cond, magnitude), cfgScale, Config.LatentChannels);

    void CheckMagnitude(Tensor z, Tensor? m)
    {
        var c = Config;
        if (!c.MagnitudeCondition && m is not null)
            throw new ArgumentException($"motion DiT '{c.Name}' has no magnitude condition: give none");
        if (c.MagnitudeCondition && m is null)
            throw new ArgumentException($"motion DiT '{c.Name}' is conditioned on how far z moves: give magnitudes " +
                                        $"[N, {c.MagnitudeInputs}]");
        if (m is not null && (m.dim() != 2 || m.shape[0] != z.shape[0] || m.shape[1] != c.MagnitudeInputs))
            throw new ArgumentException($"motion DiT expects magnitudes [{z.shape[0]}, {c.MagnitudeInputs}] but got " +
                                        $"[{string.Join(", ", m.shape)}]");
    }

    void Check(Tensor z, Tensor content, Tensor? cond)
    {
        var c = Config;
        if (z.dim() != 4 || z.shape[1] != c.LatentChannels || z.shape[2] != c.Frames || z.shape[3] != c.GridHeight + c.GridWidth)
            throw new ArgumentException($"motion DiT expects z [N, {c.LatentChannels}, {c.Frames}, {c.GridHeight + c.GridWidth}] but got [{string.Join(", ", z.shape)}]");
        if (content.dim() != 4 || content.shape[0] != z.shape[0] || content.shape[1] != c.ContentChannels || content.shape[2] != c.ContentHeight || content.shape[3] != c.ContentWidth)
            throw new ArgumentException($"motion DiT expects content frames [{z.shape[0]}, {c.ContentChannels}, {c.ContentHeight}, {c.ContentWidth}] but got [{string.Join(", ", content.shape)}]");
        if (c.Condition != MotionCondition.None && cond is null)
            throw new ArgumentException($"motion DiT '{c.Name}' is {c.Condition}-conditional: a condition is required");
        if (c.Condition == MotionCondition.Text && (cond!.dim() != 2 || cond.shape[1] != c.TextDim))
            throw new ArgumentException($"motion DiT expects text embeddings [N, {c.TextDim}] but got [{string.Join(", ", cond.shape)}]");
    }
}
