using Cmd.Models.Backbones;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Autoencoder;

/// <summary>
/// CMD's video autoencoder (section 3.2, Figure 4). Encoder: single-conv pre-layer (patch embedding),
/// TimeSformer f_B -> u; heads f_I (content frame, Eq. 3) and f_M (motion latents, Eq. 4). Decoder: g_I
/// (content frame -> C' x H' x W'), g_M (1x1 conv D -> C'), v = v^t + v^x + v^y (Eqs. 5-6), TimeSformer g_B,
/// single-conv post-layer back to frames. Videos are [B, L, C, H, W] in [-1, 1].
/// </summary>
public sealed class CmdAutoencoder : nn.Module<Tensor, Tensor>
{
    public AutoencoderConfig Config { get; }

    readonly PatchConv2d patch_embed;       // pre-layer of f_B: patch (H/H', W/W')
    readonly TimeSformer encoder;           // f_B
    readonly ImportanceHead importance_head; // f_I
    readonly MotionLatentHead? motion_head; // f_M
    readonly KeypointHead? keypoint_head;   // workbench f_M for the sprite warp (WarpKeypoints)
    readonly PatchConv2d? content_embed;     // g_I
    readonly Conv2d? motion_embed;           // g_M (x; and y unless separate)
    readonly Conv2d? motion_embed_y;        // official code: post_yt
    readonly TimeSformer? decoder;           // g_B
    readonly PatchConvTranspose2d? output_layer; // post-layer of g_B
    readonly SeparableWarp? motion_warp;    // workbench decoder in place of g_I, g_M, g_B (WarpComponents > 0)

    public CmdAutoencoder(AutoencoderConfig config) : base(nameof(CmdAutoencoder))
    {
        Config = config.Validate();
        int p = config.PatchSize, c = config.Channels, h = config.Hidden;
        patch_embed = new PatchConv2d(c, h, p);
        encoder = NewTimeSformer(config);
        importance_head = new ImportanceHead(config);
        if (config.WarpKeypoints) keypoint_head = new KeypointHead(config);
        else motion_head = new MotionLatentHead(config);
        if (config.WarpComponents > 0)
            motion_warp = new SeparableWarp(config.LatentChannels, config.WarpComponents, config.Height,
                config.RigidWarp || config.WarpSprites, config.WarpSprites, config.WarpKeypoints);
        else
        {
            content_embed = new PatchConv2d(c, h, p);
            motion_embed = nn.Conv2d(config.LatentChannels, h, 1);
            if (config.SeparateAxisProjections) motion_embed_y = nn.Conv2d(config.LatentChannels, h, 1);
            decoder = NewTimeSformer(config);
            output_layer = new PatchConvTranspose2d(h, c, p);
        }
        RegisterComponents();
    }

    static TimeSformer NewTimeSformer(AutoencoderConfig c) =>
        new(c.Hidden, c.Depth, c.Heads, c.HeadDim, c.MlpRatio, c.Frames, c.GridHeight, c.GridWidth, c.PositionEmbedding, c.FinalNorm);

    /// <summary>Reconstruction of the video [B, L, C, H, W].</summary>
    public override Tensor forward(Tensor video)
    {
        var e = Encode(video);
        return Decode(e.ContentFrame, e.Zx, e.Zy);
    }

    public AutoencoderEncoding Encode(Tensor video)
    {
        CheckVideo(video);
        var u = encoder.call(Tokens(patch_embed, video));                 // u = f_B(x): [B, L, H'W', C']
        Tensor weights, content;
        if (Config.WeightedSum)
        {
            weights = ContentFrame.Weights(importance_head.call(u));       // σ(f_I(u))
            content = ContentFrame.WeightedSum(video, weights);            // Eq. 3
        }
        else
        {
            content = ContentFrame.PlainAverage(video);                    // Table 4b: no weighted sum
            weights = full(new long[] { video.shape[0], video.shape[1], 1, 1, 1 }, 1.0 / video.shape[1], device: video.device);
        }
        var (zx, zy) = keypoint_head is not null ? keypoint_head.Project(u, video, weights, content)  // workbench: keypoints
            : motion_head!.Project(u);                                     // Eq. 4
        return new AutoencoderEncoding(content, weights, zx, zy);
    }

    /// <summary>contentFrame [B, C, H, W], zx [B, D, L, H'], zy [B, D, L, W'] -> video [B, L, C, H, W].</summary>
    public Tensor Decode(Tensor contentFrame, Tensor zx, Tensor zy)
    {
        var cfg = Config;
        long b = contentFrame.shape[0];
        CheckShape(contentFrame, "content frame", b, cfg.Channels, cfg.Height, cfg.Width);
        CheckShape(zx, "z_x", b, cfg.LatentChannels, cfg.Frames, cfg.GridHeight);
        CheckShape(zy, "z_y", b, cfg.LatentChannels, cfg.Frames, cfg.GridWidth);
        if (motion_warp is not null) return motion_warp.Decode(contentFrame, zx, zy);   // workbench: x̄ moved along z
        var vt = content_embed!.call(contentFrame);                          // v^t = g_I(x̄): [B, C', H', W'] (Eq. 5)
        var vx = motion_embed!.call(zx);                                     // v^x = g_M(z_x): [B, C', L, H']
        var vy = (motion_embed_y ?? motion_embed).call(zy);                 // v^y = g_M(z_y): [B, C', L, W']
        var v = vt.unsqueeze(2) + vx.unsqueeze(4) + vy.unsqueeze(3);        // Eq. 6: [B, C', L, H', W']
        var tokens = v.permute(0, 2, 3, 4, 1).reshape(b, cfg.Frames, cfg.TokensPerFrame, cfg.Hidden);
        var h = cfg.ContentKeys                                             // g_B (workbench switch: also over v^t's tokens)
            ? decoder!.Forward(tokens, vt.permute(0, 2, 3, 1).reshape(b, cfg.TokensPerFrame, cfg.Hidden))
            : decoder!.call(tokens);
        var grid = h.reshape(b * cfg.Frames, cfg.GridHeight, cfg.GridWidth, cfg.Hidden).permute(0, 3, 1, 2);
        var frames = output_layer!.call(grid).view(b, cfg.Frames, cfg.Channels, cfg.Height, cfg.Width);
        // Paper: the post-layer output as is. Official code (pixel mode): 2 * sigmoid - 1.
        return cfg.Output == OutputActivation.ScaledSigmoid ? 2 * frames.sigmoid() - 1 : frames;
    }

    /// <summary>Decodes z = cat(z_x, z_y) [B, D, L, H' + W'].</summary>
    public Tensor Decode(Tensor contentFrame, Tensor z)
    {
        var (zx, zy) = MotionLatent.Split(z, Config.GridHeight, Config.GridWidth);
        return Decode(contentFrame, zx, zy);
    }

    /// <summary>Reconstruction loss of the configured kind (paper: L2; official code: L1), plus the importance entropy when on;
    /// with the workbench switches, the encoder frozen and z noised before decoding, and the pooled levels added.</summary>
    public Tensor Loss(Tensor video)
    {
        AutoencoderEncoding e;
        using (Config.FreezeEncoder ? no_grad() : null) e = Encode(video);
        var (zx, zy) = Config.DecoderZNoise > 0 ? Noised(e.Zx, e.Zy, Config.DecoderZNoise)
            : Config.ZPosteriorStd > 0 ? Posterior(e.Zx, e.Zy, Config.ZPosteriorStd)
            : (e.Zx, e.Zy);
        var recon = Config.MotionTwins ? Decode(Twins(e.ContentFrame), zx, zy) : Decode(e.ContentFrame, zx, zy);
        var target = Config.MotionTwins ? Twins(video) : video;           // twins: x̄ of each clip, z of its twin
        Func<Tensor, Tensor, Tensor> distance = Config.Loss == ReconstructionLoss.L1
            ? (a, b) => nn.functional.l1_loss(a, b) : (a, b) => nn.functional.mse_loss(a, b);
        var loss = distance(recon, target);
        if (Config.MultiScaleLevels > 0) loss = loss + MultiScaleLoss.Blurred(recon, target, Config.MultiScaleLevels, distance);
        bool entropy = Config.ImportanceEntropy > 0 && !Config.FreezeEncoder;   // a frozen f_I has nothing to learn
        if (entropy) loss = loss + Config.ImportanceEntropy * ContentFrame.Entropy(e.Weights);
        return Config.ZPriorWeight > 0 ? loss + Config.ZPriorWeight * PriorKl(e.Zx, e.Zy) : loss;
    }

    /// <summary>A batch of B clips then their B twins, with the halves swapped (<see cref="AutoencoderConfig.MotionTwins"/>).</summary>
    static Tensor Twins(Tensor batch)
    {
        long n = batch.shape[0];
        if (n % 2 != 0) throw new ArgumentException($"motion twins: a batch holds clips then their twins, so an even count (got {n})");
        return batch.roll(n / 2, 0);
    }

    /// <summary>A draw of the fixed-std posterior N(z, σ²) (<see cref="AutoencoderConfig.ZPriorWeight"/>).</summary>
    static (Tensor Zx, Tensor Zy) Posterior(Tensor zx, Tensor zy, double sigma) =>
        (zx + randn_like(zx) * sigma, zy + randn_like(zy) * sigma);

    /// <summary>KL(N(μ, σ²) || N(0, 1)) per element, up to a constant in σ: ½·mean(μ²) over z_x and z_y.</summary>
    static Tensor PriorKl(Tensor zx, Tensor zy) => 0.5 * cat([zx.flatten(), zy.flatten()]).pow(2).mean();

    /// <summary>z_x, z_y plus Gaussian noise of <paramref name="share"/> x the batch's std(z) (no gradient through the std).</summary>
    static (Tensor Zx, Tensor Zy) Noised(Tensor zx, Tensor zy, double share)
    {
        using var std = cat([zx.detach().flatten(), zy.detach().flatten()]).std();
        var sigma = std * share;
        return (zx + randn_like(zx) * sigma, zy + randn_like(zy) * sigma);
    }

    Tensor Tokens(PatchConv2d embed, Tensor video)
    {
        long b = video.shape[0], l = video.shape[1];
        var patches = embed.call(video.reshape(b * l, Config.Channels, Config.Height, Config.Width)); // [BL, C', H', W']
        return patches.permute(0, 2, 3, 1).reshape(b, l, Config.TokensPerFrame, Config.Hidden);
    }

    void CheckVideo(Tensor video)
    {
        var c = Config;
        if (video.dim() != 5 || video.shape[1] != c.Frames || video.shape[2] != c.Channels || video.shape[3] != c.Height || video.shape[4] != c.Width)
            throw new ArgumentException($"autoencoder '{c.Name}' expects videos [B, L={c.Frames}, C={c.Channels}, H={c.Height}, W={c.Width}] but got [{string.Join(", ", video.shape)}]");
    }

    static void CheckShape(Tensor t, string what, params long[] expected)
    {
        if (!t.shape.SequenceEqual(expected))
            throw new ArgumentException($"{what} must be [{string.Join(", ", expected)}] but is [{string.Join(", ", t.shape)}]");
    }
}
