using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using static Cmd.Metrics.Efficiency.LayerFlops;

namespace Cmd.Metrics.Efficiency;

/// <summary>
/// Forward FLOPs of the workbench's networks counted analytically from their layer structure and the input shape,
/// so paper-sized models are counted without being run. Each formula follows the model's forward layer by layer;
/// tests check every one equals <see cref="FlopProfiler"/> (hooks on the real layers) on runnable presets.
/// </summary>
public static class ModelFlops
{
    /// <summary>
    /// A DiT over <paramref name="tokens"/> patch tokens per sample (any token grid: square images, wide frames,
    /// or a motion DiT's concatenated content + motion tokens). Embedding cost is per token (patchIn = C p^2 inputs),
    /// output is p^2 outC per token.
    /// </summary>
    public static double DiT(double batch, long tokens, long patchInputs, long patchOutputs, int hidden, int depth, double mlpRatio, int frequencyEmbeddingSize = 256)
    {
        long mlp = (long)(hidden * mlpRatio);
        double rows = batch * tokens;
        double flops = Linear(rows, patchInputs, hidden);                                     // x_embedder (conv, stride = kernel)
        flops += Linear(batch, frequencyEmbeddingSize, hidden) + Linear(batch, hidden, hidden); // t_embedder MLP
        double block = Linear(batch, hidden, 6L * hidden)                                     // adaLN modulation (per sample)
                       + SelfAttentionBlock(batch, tokens, hidden)                            // qkv, attention, proj
                       + Linear(rows, hidden, mlp) + Linear(rows, mlp, hidden);               // MLP
        flops += depth * block;
        flops += Linear(batch, hidden, 2L * hidden) + Linear(rows, hidden, patchOutputs);     // final layer
        return flops;
    }

    /// <summary>The workbench DiT class on its square input.</summary>
    public static double DiT(DiTConfig c, double batch = 1) =>
        DiT(batch, c.NumPatches, (long)c.InChannels * c.PatchSize * c.PatchSize, (long)c.OutChannels * c.PatchSize * c.PatchSize,
            c.HiddenSize, c.Depth, c.MlpRatio);

    /// <summary>A DiT on a latent of <paramref name="height"/> x <paramref name="width"/> (not necessarily square).</summary>
    public static double DiT(DiTConfig c, int height, int width, double batch = 1)
    {
        if (height % c.PatchSize != 0 || width % c.PatchSize != 0) throw new ArgumentException($"latent {height}x{width} is not a multiple of patch size {c.PatchSize}");
        long tokens = (long)(height / c.PatchSize) * (width / c.PatchSize);
        return DiT(batch, tokens, (long)c.InChannels * c.PatchSize * c.PatchSize, (long)c.OutChannels * c.PatchSize * c.PatchSize, c.HiddenSize, c.Depth, c.MlpRatio);
    }

    /// <summary>TimeSformer with divided space-time attention on [B, L, N, C'] tokens (time attention, space attention, GEGLU FF per block).</summary>
    public static double TimeSformer(double batch, long frames, long tokensPerFrame, int dim, int depth, int heads, int headDim, int mlpRatio)
    {
        double rows = batch * frames * tokensPerFrame;
        long inner = (long)heads * headDim;
        double attn(double sequences, long length) =>
            Linear(rows, dim, 3 * inner) + Attention(sequences, length, length, inner) + Linear(rows, inner, dim);
        double block = attn(batch * tokensPerFrame, frames)           // time: one sequence per patch position
                       + attn(batch * frames, tokensPerFrame)         // space: one sequence per frame
                       + Linear(rows, dim, 2L * mlpRatio * dim) + Linear(rows, (long)mlpRatio * dim, dim); // GEGLU
        return depth * block;
    }

    static double TimeSformer(AutoencoderConfig c, double batch) =>
        TimeSformer(batch, c.Frames, c.TokensPerFrame, c.Hidden, c.Depth, c.Heads, c.HeadDim, c.MlpRatio);

    /// <summary>CMD autoencoder encoder: patch conv, f_B, importance head f_I, motion head f_M (Eqs. 3-4).</summary>
    public static double AutoencoderEncode(AutoencoderConfig c, double batch = 1)
    {
        double frames = batch * c.Frames;
        long patch = (long)c.Channels * c.PatchSize * c.PatchSize;
        double flops = Linear(frames * c.TokensPerFrame, patch, c.Hidden);                          // patch_embed
        flops += TimeSformer(c, batch);                                                             // f_B
        if (c.WeightedSum)
            flops += c.Importance == ImportanceGranularity.Frame
                ? Linear(frames, c.Hidden, 1)                                                       // f_I per frame
                : Linear(frames * c.TokensPerFrame, c.Hidden, (long)c.ImportanceChannels * c.PatchSize * c.PatchSize); // f_I transposed conv
        flops += Linear(frames * (c.GridHeight + c.GridWidth), c.Hidden, c.LatentChannels);         // f_M on ū_x and ū_y
        return flops;
    }

    /// <summary>CMD autoencoder decoder: g_I, g_M, g_B and the transposed-conv post-layer (Eqs. 5-6).</summary>
    public static double AutoencoderDecode(AutoencoderConfig c, double batch = 1)
    {
        double frames = batch * c.Frames;
        if (c.WarpComponents > 0) return SeparableWarp(c, frames);
        long patch = (long)c.Channels * c.PatchSize * c.PatchSize;
        double flops = Linear(batch * c.TokensPerFrame, patch, c.Hidden);                           // g_I (content_embed)
        flops += Linear(frames * (c.GridHeight + c.GridWidth), c.LatentChannels, c.Hidden);         // g_M on z_x and z_y
        flops += TimeSformer(c, batch);                                                             // g_B
        if (c.ContentKeys) flops += c.Depth * ContentKeys(c, batch);                                 // g_B's space attention over v^t
        flops += Linear(frames * c.TokensPerFrame, c.Hidden, patch);                                // output_layer (transposed conv)
        return flops;
    }

    /// <summary>The workbench's separable warp decoder: the 1x1 projections of z and, per component and frame, x̄'s rows
    /// then columns resampled (two matrix products).</summary>
    static double SeparableWarp(AutoencoderConfig c, double frames)
    {
        double projections = Linear(frames * (c.GridHeight + c.GridWidth), c.LatentChannels, 2L * c.WarpComponents);
        double resample = 2.0 * frames * c.WarpComponents * c.Channels * ((double)c.Height * c.Height * c.Width + (double)c.Height * c.Width * c.Width);
        return projections + resample;
    }

    /// <summary>Per g_B block with <see cref="AutoencoderConfig.ContentKeys"/>: k, v of the content tokens, and each frame's
    /// queries over them besides its own tokens.</summary>
    static double ContentKeys(AutoencoderConfig c, double batch)
    {
        long inner = (long)c.Heads * c.HeadDim;
        return Linear(batch * c.TokensPerFrame, c.Hidden, 2 * inner) + Attention(batch * c.Frames, c.TokensPerFrame, c.TokensPerFrame, inner);
    }

    public static double Autoencoder(AutoencoderConfig c, double batch = 1) => AutoencoderEncode(c, batch) + AutoencoderDecode(c, batch);

    /// <summary>Training step FLOPs from forward FLOPs: backward costs about twice the forward (gradients for inputs and weights).</summary>
    public static double TrainingStep(double forwardFlops) => 3 * forwardFlops;
}

/// <summary>Counts for the two video denoisers of the comparison (motion DiT and the cubic baseline), from their shapes.</summary>
public static class VideoDenoiserFlops
{
    /// <summary>
    /// Motion diffusion model: a DiT over the motion latent z = (z_x, z_y) as a D x L x (H'+W') grid with patch
    /// <paramref name="patch"/>, plus the content frame (C x H x W) as extra tokens of key patch
    /// <paramref name="keyPatch"/>; only the z tokens are predicted (final layer on z tokens).
    /// </summary>
    public static double MotionDiT(double batch, int latentChannels, int frames, int gridH, int gridW, int patch,
        int contentChannels, int contentH, int contentW, int keyPatch, int hidden, int depth, double mlpRatio, bool learnSigma = true)
    {
        long zTokens = (long)(frames / patch) * ((gridH + gridW) / patch);
        long cTokens = (long)(contentH / keyPatch) * (contentW / keyPatch);
        long tokens = zTokens + cTokens;
        long mlp = (long)(hidden * mlpRatio);
        double zRows = batch * zTokens, rows = batch * tokens;
        long outC = learnSigma ? 2L * latentChannels : latentChannels;
        double flops = LayerFlops.Linear(zRows, (long)latentChannels * patch * patch, hidden)                  // z patch embedding
                       + LayerFlops.Linear(batch * cTokens, (long)contentChannels * keyPatch * keyPatch, hidden) // content frame patches
                       + LayerFlops.Linear(batch, 256, hidden) + LayerFlops.Linear(batch, hidden, hidden);      // timestep MLP
        flops += depth * (LayerFlops.Linear(batch, hidden, 6L * hidden) + LayerFlops.SelfAttentionBlock(batch, tokens, hidden)
                          + LayerFlops.Linear(rows, hidden, mlp) + LayerFlops.Linear(rows, mlp, hidden));
        flops += LayerFlops.Linear(batch, hidden, 2L * hidden) + LayerFlops.Linear(zRows, hidden, outC * patch * patch);
        return flops;
    }

    /// <summary>The workbench's MotionDiT at its config (text conditioning adds its per-sample projection).</summary>
    public static double MotionDiT(MotionDiTConfig c, double batch = 1) =>
        MotionDiT(batch, c.LatentChannels, c.Frames, c.GridHeight, c.GridWidth, c.PatchSize, c.ContentChannels, c.ContentHeight, c.ContentWidth,
            c.KeyPatchSize, c.HiddenSize, c.Depth, c.MlpRatio, c.LearnSigma)
        + (c.Condition == MotionCondition.Text ? LayerFlops.Linear(batch, c.TextDim, c.HiddenSize) : 0);

    /// <summary>The workbench's CubicVideoDiT at its config.</summary>
    public static double CubicDiT(CubicVideoDiTConfig c, double batch = 1) =>
        CubicDiT(batch, c.Frames, c.Channels, c.Height, c.Width, c.PatchSize, c.HiddenSize, c.Depth, c.MlpRatio, c.LearnSigma);

    /// <summary>
    /// Cubic baseline: a video DiT over the whole L x H x W latent video (patch p per frame) with space-time
    /// factorised attention: per block adaLN modulation, spatial attention within each frame, temporal attention
    /// at each position, MLP.
    /// </summary>
    public static double CubicDiT(double batch, int frames, int channels, int height, int width, int patch, int hidden, int depth,
        double mlpRatio, bool learnSigma = true, int modulationChunks = 9)
    {
        long perFrame = (long)(height / patch) * (width / patch);
        double rows = batch * frames * perFrame;
        long mlp = (long)(hidden * mlpRatio);
        long outC = learnSigma ? 2L * channels : channels;
        double flops = LayerFlops.Linear(rows, (long)channels * patch * patch, hidden)
                       + LayerFlops.Linear(batch, 256, hidden) + LayerFlops.Linear(batch, hidden, hidden);
        double block = LayerFlops.Linear(batch, hidden, (long)modulationChunks * hidden)
                       + LayerFlops.SelfAttentionBlock(batch * frames, perFrame, hidden)   // spatial
                       + LayerFlops.SelfAttentionBlock(batch * perFrame, frames, hidden)   // temporal
                       + LayerFlops.Linear(rows, hidden, mlp) + LayerFlops.Linear(rows, mlp, hidden);
        flops += depth * block;
        flops += LayerFlops.Linear(batch, hidden, 2L * hidden) + LayerFlops.Linear(rows, hidden, outC * patch * patch);
        return flops;
    }
}
