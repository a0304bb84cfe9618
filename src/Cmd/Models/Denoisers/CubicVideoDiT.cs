using System.Text.Json;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Denoisers;

/// <summary>The cubic baseline (Figures 1, 5, 6): a video DiT of the same width and depth as the motion model that denoises the
/// whole latent video [C, L, H, W] as L x (H/p) x (W/p) tokens, with space-time factorised attention.</summary>
public sealed record CubicVideoDiTConfig
{
    public string Name { get; init; } = "custom";
    public int Channels { get; init; } = 1;
    public int Frames { get; init; } = 16;
    public int Height { get; init; } = 64;
    public int Width { get; init; } = 64;
    public int PatchSize { get; init; } = 4;
    public int HiddenSize { get; init; } = 256;
    public int Depth { get; init; } = 6;
    public int NumHeads { get; init; } = 4;
    public double MlpRatio { get; init; } = 4.0;
    public int NumClasses { get; init; } = 10;
    public double ClassDropoutProb { get; init; } = 0.1;
    public bool LearnSigma { get; init; } = true;

    public int OutChannels => LearnSigma ? Channels * 2 : Channels;
    public int GridH => Height / PatchSize;
    public int GridW => Width / PatchSize;
    public int Tokens => Frames * GridH * GridW;

    public CubicVideoDiTConfig Validate()
    {
        if (PatchSize <= 0 || Height % PatchSize != 0 || Width % PatchSize != 0) throw new ArgumentException($"cubic DiT: frame {Height}x{Width} is not a multiple of patch {PatchSize}");
        if (HiddenSize % NumHeads != 0 || HiddenSize % 4 != 0) throw new ArgumentException($"cubic DiT: hidden size {HiddenSize} must be divisible by 4 and {NumHeads} heads");
        return this;
    }

    public string ToJson() => JsonSerializer.Serialize(this);
    public static CubicVideoDiTConfig FromJson(string json) => (JsonSerializer.Deserialize<CubicVideoDiTConfig>(json) ?? throw new ArgumentException("empty cubic DiT config")).Validate();
}

/// <summary>adaLN-Zero block with divided attention: temporal (same pixel patch across frames), then spatial (within a frame), then MLP.</summary>
public sealed class VideoDiTBlock : nn.Module<Tensor, Tensor, Tensor>
{
    readonly DiTAttention temporal_attn, attn;
    readonly DiTMlp mlp;
    readonly Sequential adaLN_modulation;
    readonly int frames;

    public VideoDiTBlock(int hiddenSize, int numHeads, double mlpRatio, int frames) : base(nameof(VideoDiTBlock))
    {
        this.frames = frames;
        temporal_attn = new DiTAttention(hiddenSize, numHeads);
        attn = new DiTAttention(hiddenSize, numHeads);
        mlp = new DiTMlp(hiddenSize, (int)(hiddenSize * mlpRatio));
        adaLN_modulation = AdaLN.Modulation(hiddenSize, 9);
        RegisterComponents();
    }

    public Sequential Modulation => adaLN_modulation;

    /// <summary>x: [N, L*S, D] (frame-major), c: [N, D].</summary>
    public override Tensor forward(Tensor x, Tensor c) => BlockScope.Run(() => Divided(x, c));

    Tensor Divided(Tensor x, Tensor c)
    {
        long n = x.shape[0], s = x.shape[1] / frames, d = x.shape[2];
        var m = adaLN_modulation.call(c).chunk(9, 1);
        x = x + BlockScope.Run(() =>   // temporal: [N*S, L, D]
        {
            var ht = AdaLN.Modulate(AdaLN.Norm(x), m[0], m[1]).reshape(n, frames, s, d).transpose(1, 2).reshape(n * s, frames, d);
            return m[2].unsqueeze(1) * temporal_attn.call(ht).reshape(n, s, frames, d).transpose(1, 2).reshape(n, frames * s, d);
        });
        x = x + BlockScope.Run(() =>   // spatial: [N*L, S, D]
            m[5].unsqueeze(1) * attn.call(AdaLN.Modulate(AdaLN.Norm(x), m[3], m[4]).reshape(n * frames, s, d)).reshape(n, frames * s, d));
        return x + BlockScope.Run(() => m[8].unsqueeze(1) * mlp.call(AdaLN.Modulate(AdaLN.Norm(x), m[6], m[7])));
    }
}

/// <summary>Video DiT over whole latent videos: x [N, C, L, H, W] -> [N, out, L, H, W].</summary>
public sealed class CubicVideoDiT : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    public readonly CubicVideoDiTConfig Config;
    readonly PatchEmbed x_embedder;
    readonly TimestepEmbedder t_embedder;
    readonly LabelEmbedder y_embedder;
    readonly Parameter pos_embed;       // fixed spatial sin-cos [1, S, D]
    readonly Parameter temporal_embed;  // fixed temporal sin-cos [1, L, D]
    readonly ModuleList<VideoDiTBlock> blocks;
    readonly FinalLayer final_layer;

    public CubicVideoDiT(CubicVideoDiTConfig config) : base(nameof(CubicVideoDiT))
    {
        Config = config.Validate();
        int d = config.HiddenSize;
        x_embedder = new PatchEmbed(config.PatchSize, config.Channels, d);
        t_embedder = new TimestepEmbedder(d);
        y_embedder = new LabelEmbedder(config.NumClasses, d, config.ClassDropoutProb);
        pos_embed = new Parameter(tensor(PosEmbed.SinCos2D(d, config.GridH, config.GridW)).reshape(1, config.GridH * config.GridW, d), requires_grad: false);
        temporal_embed = new Parameter(tensor(PosEmbed.SinCos1D(d, config.Frames)).reshape(1, config.Frames, d), requires_grad: false);
        blocks = new ModuleList<VideoDiTBlock>();
        for (int i = 0; i < config.Depth; i++) blocks.Add(new VideoDiTBlock(d, config.NumHeads, config.MlpRatio, config.Frames));
        final_layer = new FinalLayer(d, config.PatchSize, config.OutChannels);
        RegisterComponents();
        using var _ = no_grad();
        foreach (var (_, m) in named_modules())
            if (m is Linear lin) { nn.init.xavier_uniform_(lin.weight!); if (lin.bias is not null) nn.init.zeros_(lin.bias); }
        DiTInit.XavierAsLinear(x_embedder.Proj.weight!);
        nn.init.zeros_(x_embedder.Proj.bias!);
        nn.init.normal_(y_embedder.Table.weight!, std: 0.02);
        foreach (var block in blocks) DiTInit.ZeroLinear((Linear)block.Modulation[1]);
        DiTInit.ZeroLinear((Linear)final_layer.Modulation[1]);
        DiTInit.ZeroLinear(final_layer.Linear);
    }

    public int NullClass => Config.NumClasses;

    public override Tensor forward(Tensor x, Tensor t, Tensor y)
    {
        var c = Config;
        if (x.dim() != 5 || x.shape[1] != c.Channels || x.shape[2] != c.Frames || x.shape[3] != c.Height || x.shape[4] != c.Width)
            throw new ArgumentException($"cubic DiT expects [N, {c.Channels}, {c.Frames}, {c.Height}, {c.Width}] but got [{string.Join(", ", x.shape)}]");
        long n = x.shape[0], s = c.GridH * c.GridW, d = c.HiddenSize;
        var frames = x.transpose(1, 2).reshape(n * c.Frames, c.Channels, c.Height, c.Width);
        var h = (x_embedder.call(frames) + pos_embed).reshape(n, c.Frames, s, d) + temporal_embed.unsqueeze(2);
        h = h.reshape(n, c.Frames * s, d);
        var cond = t_embedder.call(t) + y_embedder.Forward(y, training);
        foreach (var block in blocks) h = block.call(h, cond);
        h = final_layer.call(h, cond).reshape(n * c.Frames, s, -1);
        var o = Patches.Unpatchify(h, c.GridH, c.GridW, c.PatchSize, c.OutChannels);     // [N*L, out, H, W]
        return o.reshape(n, c.Frames, c.OutChannels, c.Height, c.Width).transpose(1, 2);
    }

    public Tensor ForwardWithCfg(Tensor x, Tensor t, Tensor y, double cfgScale) =>
        Guidance.Apply(x, xx => forward(xx, t, y), cfgScale, Config.Channels);
}
