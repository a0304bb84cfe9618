using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Denoisers;

/// <summary>Diffusion model with a Transformer backbone (facebookresearch/DiT `models.py`), official parameter names.</summary>
public sealed class DiT : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    public readonly DiTConfig Config;
    readonly PatchEmbed x_embedder;
    readonly TimestepEmbedder t_embedder;
    readonly LabelEmbedder y_embedder;
    readonly Parameter pos_embed;
    readonly ModuleList<DiTBlock> blocks;
    readonly FinalLayer final_layer;
    readonly ModuleList<Linear> skip_linears;                     // U-ViT long skips (Config.LongSkips), else empty

    public DiT(DiTConfig config) : base(nameof(DiT))
    {
        Config = config.Validate();
        x_embedder = new PatchEmbed(config.PatchSize, config.InChannels, config.HiddenSize);
        t_embedder = new TimestepEmbedder(config.HiddenSize);
        y_embedder = new LabelEmbedder(config.NumClasses, config.HiddenSize, config.ClassDropoutProb);
        var pe = PosEmbed.SinCos2D(config.HiddenSize, config.GridSize, config.GridSize);
        pos_embed = new Parameter(tensor(pe).reshape(1, config.NumPatches, config.HiddenSize), requires_grad: false);
        blocks = new ModuleList<DiTBlock>();
        for (int i = 0; i < config.Depth; i++) blocks.Add(new DiTBlock(config.HiddenSize, config.NumHeads, config.MlpRatio));
        final_layer = new FinalLayer(config.HiddenSize, config.PatchSize, config.OutChannels);
        skip_linears = new ModuleList<Linear>();
        for (int i = 0; i < SkipCount; i++) skip_linears.Add(nn.Linear(2 * config.HiddenSize, config.HiddenSize));
        RegisterComponents();
        DiTInit.Initialize(this, x_embedder, t_embedder, y_embedder, blocks, final_layer);
        foreach (var skip in skip_linears) DiTInit.PassFirstHalf(skip);
    }

    public int InChannels => Config.InChannels;
    public bool LearnSigma => Config.LearnSigma;
    public int NumClasses => Config.NumClasses;
    public LabelEmbedder YEmbedder => y_embedder;

    /// <summary>x: [N, C, H, W], t: [N] timesteps, y: [N] class labels -> [N, out_channels, H, W].</summary>
    public override Tensor forward(Tensor x, Tensor t, Tensor y)
    {
        CheckInput(x);
        var h = x_embedder.call(x) + pos_embed;                       // (N, T, D)
        var c = t_embedder.call(t) + y_embedder.Forward(y, training); // (N, D)
        h = Blocks(h, c);
        h = final_layer.call(h, c);                                  // (N, T, p*p*out)
        return Patches.Unpatchify(h, Config.GridSize, Config.GridSize, Config.PatchSize, Config.OutChannels);
    }

    int SkipCount => Config.LongSkips ? Config.Depth / 2 : 0;

    /// <summary>The blocks in order; with long skips, the tokens entering each of the first SkipCount blocks are kept
    /// and the last SkipCount blocks read them in reverse, through Linear([tokens, kept]) (U-ViT).</summary>
    Tensor Blocks(Tensor h, Tensor c)
    {
        var kept = new Stack<Tensor>();
        for (int i = 0; i < blocks.Count; i++)
        {
            int mirror = i - (blocks.Count - SkipCount);
            if (i < SkipCount) kept.Push(h);
            else if (mirror >= 0) h = skip_linears[mirror].call(cat([h, kept.Pop()], -1));
            h = blocks[i].call(h, c);
        }
        return h;
    }

    /// <summary>Classifier-free guidance (official `forward_with_cfg`): the batch is [cond; uncond] over the same x;
    /// guidance goes on the first <paramref name="guidedChannels"/> output channels (3 in the official code).
    /// At scale 1 (a step outside a guidance interval) only the [cond] half is run: the same prediction, half the
    /// work.</summary>
    public Tensor ForwardWithCfg(Tensor x, Tensor t, Tensor y, double cfgScale, int guidedChannels = 3)
    {
        int n = (int)(x.shape[0] / 2);
        return Guidance.Apply(x, xx => forward(xx, t, y), cfgScale, guidedChannels,
            conditional: half => forward(half, t[..n], y[..n]));
    }

    void CheckInput(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != Config.InChannels || x.shape[2] != Config.InputSize || x.shape[3] != Config.InputSize)
            throw new ArgumentException($"DiT expects input [N, {Config.InChannels}, {Config.InputSize}, {Config.InputSize}] but got [{string.Join(", ", x.shape)}]");
    }
}

/// <summary>Classifier-free guidance on a doubled batch [cond; uncond] (GLIDE / DiT).</summary>
public static class Guidance
{
    /// <param name="conditional">The model on the [cond] half alone; given, a scale of 1 (eps_uncond + 1 * (eps_cond -
    /// eps_uncond) = eps_cond) runs only it, and both halves are its output.</param>
    public static Tensor Apply(Tensor x, Func<Tensor, Tensor> model, double cfgScale, int guidedChannels,
        Func<Tensor, Tensor>? conditional = null)
    {
        if (x.shape[0] % 2 != 0) throw new ArgumentException($"classifier-free guidance needs an even batch [cond; uncond], got {x.shape[0]}");
        var half = x[..(int)(x.shape[0] / 2)];
        if (cfgScale == 1.0 && conditional is not null)
        {
            var cond = conditional(half);
            return cat([cond, cond], 0);
        }
        var output = model(cat([half, half], 0));
        var eps = output[.., ..guidedChannels];
        var rest = output[.., guidedChannels..];
        var parts = eps.chunk(2, 0);
        var halfEps = parts[1] + cfgScale * (parts[0] - parts[1]);
        return cat([cat([halfEps, halfEps], 0), rest], 1);
    }
}

/// <summary>Patch token helpers shared by the DiT family.</summary>
public static class Patches
{
    /// <summary>[N, h*w, p*p*c] -> [N, c, h*p, w*p] (official `unpatchify`, einsum nhwpqc->nchpwq).</summary>
    public static Tensor Unpatchify(Tensor x, long h, long w, long p, long c) => Unpatchify(x, h, w, p, p, c);

    /// <summary>[N, h*w, p*q*c] -> [N, c, h*p, w*q]: p x q patches (p rows, q columns), in the official order.
    /// </summary>
    public static Tensor Unpatchify(Tensor x, long h, long w, long p, long q, long c)
    {
        if (x.shape[1] != h * w) throw new ArgumentException($"unpatchify: {x.shape[1]} tokens do not form a {h}x{w} grid");
        return x.reshape(x.shape[0], h, w, p, q, c).permute(0, 5, 1, 3, 2, 4).reshape(x.shape[0], c, h * p, w * q);
    }
}

/// <summary>The official DiT weight initialisation (`initialize_weights`).</summary>
static class DiTInit
{
    public static void Initialize(nn.Module root, PatchEmbed xEmb, TimestepEmbedder tEmb, LabelEmbedder yEmb, IEnumerable<DiTBlock> blocks, FinalLayer final)
    {
        using var _ = no_grad();
        foreach (var (_, m) in root.named_modules())
            if (m is Linear lin)
            {
                nn.init.xavier_uniform_(lin.weight!);
                if (lin.bias is not null) nn.init.zeros_(lin.bias);
            }
        XavierAsLinear(xEmb.Proj.weight!);
        nn.init.zeros_(xEmb.Proj.bias!);
        if (yEmb is not null) nn.init.normal_(yEmb.Table.weight!, std: 0.02);
        nn.init.normal_(((Linear)tEmb.Mlp[0]).weight!, std: 0.02);
        nn.init.normal_(((Linear)tEmb.Mlp[2]).weight!, std: 0.02);
        foreach (var block in blocks) ZeroLinear((Linear)block.Modulation[1]);
        ZeroLinear((Linear)final.Modulation[1]);
        ZeroLinear(final.Linear);
    }

    /// <summary>A long-skip Linear([tokens, kept]) that starts as the identity on the tokens and ignores what was kept, so
    /// an untrained DiT with long skips computes what the official one does.</summary>
    public static void PassFirstHalf(Linear skip)
    {
        using var _ = no_grad();
        long d = skip.weight!.shape[0];
        skip.weight!.zero_();
        skip.weight![.., ..(int)d].copy_(eye(d));
        if (skip.bias is not null) nn.init.zeros_(skip.bias);
    }

    /// <summary>Xavier-uniform on a conv weight viewed as [out, in*k*k] (patch embedding initialised like nn.Linear).</summary>
    public static void XavierAsLinear(Tensor w)
    {
        var fanOut = w.shape[0];
        var fanIn = w.numel() / fanOut;
        var bound = Math.Sqrt(6.0 / (fanIn + fanOut));
        nn.init.uniform_(w, -bound, bound);
    }

    public static void ZeroLinear(Linear lin)
    {
        nn.init.zeros_(lin.weight!);
        if (lin.bias is not null) nn.init.zeros_(lin.bias);
    }
}
