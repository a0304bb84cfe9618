using System.Text.Json.Serialization;
using System.Text.Json;
using Cmd.Models.Backbones;

namespace Cmd.Models.Autoencoder;

/// <summary>Which description of CMD's autoencoder to follow where the paper and the authors' code (NVlabs/CMD) disagree.</summary>
public enum AutoencoderVariant
{
    /// <summary>Section 3.2 / appendix B.3 of the paper.</summary>
    Paper,
    /// <summary>NVlabs/CMD models/autoencoder/triplane_ae.py and train_ae.py.</summary>
    OfficialCode,
}

/// <summary>How fine the importance weights of f_I (Eq. 3) are.</summary>
public enum ImportanceGranularity
{
    /// <summary>One logit per frame (a scalar weight per frame, shared by every pixel and channel).</summary>
    Frame,
    /// <summary>One logit per frame and pixel, shared by the channels (transposed conv C' -> 1).</summary>
    Pixel,
    /// <summary>One logit per frame, pixel and channel (transposed conv C' -> C): the paper's f_I: R^{C'xLxH'xW'} -> R^{CxLxHxW}
    /// (section 3.2) and the official code's to_logit.</summary>
    PixelChannel,
}


public enum OutputActivation
{
    /// <summary>The post-layer convolution's output as it is (paper: a single conv post-layer).</summary>
    None,
    /// <summary>2 * sigmoid(y) - 1 (official code, pixel mode).</summary>
    ScaledSigmoid,
}

public enum ReconstructionLoss
{
    /// <summary>Mean squared error (paper: "a simple reconstruction objective (e.g., l2 loss)").</summary>
    L2,
    /// <summary>Mean absolute error (official code, pixel mode; it adds LPIPS, which is not implemented here).</summary>
    L1,
}

/// <summary>
/// Configuration of the CMD autoencoder (paper section 3.2, appendix B.3 Table 5). Shapes: a video is
/// [B, L, C, H, W] in [-1, 1]; the token grid is H' x W' = (H/patch, W/patch); C' = Hidden; D = LatentChannels.
/// </summary>
public sealed record AutoencoderConfig
{
    public string Name { get; init; } = "custom";
    public AutoencoderVariant Variant { get; init; } = AutoencoderVariant.Paper;

    /// <summary>C: channels of a frame (1 for Moving MNIST, 3 for RGB, 4 for SD latents).</summary>
    public int Channels { get; init; } = 1;
    /// <summary>L: frames per clip.</summary>
    public int Frames { get; init; } = 16;
    public int Height { get; init; } = 64;
    public int Width { get; init; } = 64;
    /// <summary>Patch size of the single-conv pre-layer (H/H', W/W'); square.</summary>
    public int PatchSize { get; init; } = 8;
    /// <summary>C': TimeSformer width.</summary>
    public int Hidden { get; init; } = 128;
    /// <summary>D: channels of the motion latents z_x, z_y.</summary>
    public int LatentChannels { get; init; } = 8;
    /// <summary>Blocks in each of the encoder f_B and decoder g_B TimeSformers.</summary>
    public int Depth { get; init; } = 4;
    public int Heads { get; init; } = 4;
    /// <summary>Per-head width; Heads * HeadDim may differ from Hidden (Table 5: 8 x 64 with C' = 384).</summary>
    public int HeadDim { get; init; } = 32;
    /// <summary>Hidden width of the GEGLU feed-forward as a multiple of C' (official code: 4).</summary>
    public int MlpRatio { get; init; } = 4;
    public PositionEmbeddingKind PositionEmbedding { get; init; } = PositionEmbeddingKind.SinCos;

    // Where paper and code disagree (defaults = paper).
    /// <summary>Paper and official code: PixelChannel. (For C = 1, Pixel and PixelChannel are the same model.)</summary>
    public ImportanceGranularity Importance { get; init; } = ImportanceGranularity.PixelChannel;
    /// <summary>False = the Table 4b ablation "no weighted sum": the content frame is the plain average of the frames.</summary>
    public bool WeightedSum { get; init; } = true;
    /// <summary>
    /// Workbench switch, in neither paper nor code (0 = off): weight of the importance weights' entropy over time added to
    /// the loss. Above 0 it pulls σ(f_I(u)) towards one frame, so x̄ looks like a frame instead of a trail of all of them.
    /// </summary>
    public double ImportanceEntropy { get; init; }
    /// <summary>
    /// Workbench switch, in neither paper nor code (0 = off): in training, Gaussian noise of this share of the batch's
    /// std(z) is added to z before the decoder, so the decoder learns to forgive a motion model's errors in z.
    /// </summary>
    public double DecoderZNoise { get; init; }
    /// <summary>Workbench switch (false = off): train the decoder only (g_I, g_M, g_B); the encoder's x̄ and z, and the
    /// diffusion models trained on them, stay valid.</summary>
    public bool FreezeEncoder { get; init; }
    /// <summary>
    /// Workbench switch, in neither paper nor code (0 = off): z as a Gaussian posterior of fixed std, N(f_M(u), σ²). In
    /// training the decoder reads f_M(u) + σ·ε (σ = <see cref="ZPosteriorStd"/>, absolute, not a share of z's std) and the
    /// loss adds this weight x ½·mean(f_M(u)²), the KL to a N(0, 1) prior up to a constant: z keeps only what pays for its
    /// norm, in fewer and smoother directions, for a motion model to learn. Encode returns the mean.
    /// </summary>
    public double ZPriorWeight { get; init; }
    /// <summary>σ of the fixed-std posterior (<see cref="ZPriorWeight"/>).</summary>
    public double ZPosteriorStd { get; init; }
    /// <summary>
    /// Workbench switch, in neither paper nor code (false = off): besides Eq. 6's v = v^t + v^x + v^y, every g_B block's
    /// space attention also attends to the content frame's tokens v^t = g_I(x̄) with their space positions (keys and
    /// values only, no new weights). A frame can then fetch a digit from where it sits in x̄ in one attention step,
    /// instead of z having to carry the digit's strokes to every frame.
    /// </summary>
    public bool ContentKeys { get; init; }
    /// <summary>
    /// Workbench switch, in neither paper nor code, for data that can draw them (Moving MNIST; false = off): a training
    /// batch of 2B clips holds B clips, then their motion twins (the same paths, other digits). Each clip is rebuilt
    /// from its own content frame and its twin's z, so z can only carry what the twins share: the motion.
    /// </summary>
    public bool MotionTwins { get; init; }
    /// <summary>
    /// Workbench switch, in neither paper nor code (0 = the paper's decoder, Eqs. 5-6 and g_B): above 0, the decoder is
    /// <see cref="SeparableWarp"/> with this many components: every frame is x̄ moved along rows by z_x and along columns
    /// by z_y, so z can carry only motion (2 suits Moving MNIST's two digits).
    /// </summary>
    public int WarpComponents { get; init; }
    /// <summary>With <see cref="WarpComponents"/>: each component moves rigidly (one shift per frame, not one per row
    /// and column), so a digit cannot shear.</summary>
    public bool RigidWarp { get; init; }
    /// <summary>With <see cref="WarpComponents"/>: each component is a sprite, as Moving MNIST draws its digits: a box
    /// cut from x̄ (its presences averaged over the frames), moved rigidly with its ink. Implies <see cref="RigidWarp"/>;
    /// false = each frame's box is drawn where the frame is, around whatever the shift brought there.</summary>
    public bool WarpSprites { get; init; }
    /// <summary>With <see cref="WarpSprites"/>: f_M is <see cref="KeypointHead"/>, so z holds each component's shift
    /// (the move of its ink's centroid) and its place in x̄, and x̄'s ink is split between the places, not cut by boxes
    /// on the token grid. Needs D >= 2K.</summary>
    public bool WarpKeypoints { get; init; }
    /// <summary>With <see cref="WarpKeypoints"/>: each component's shifts are found by matching its sprite against every
    /// frame (<see cref="KeypointHead.Track"/>) instead of by its ink's centroid, so it cannot swap digits between frames.</summary>
    public bool WarpTracking { get; init; }
    /// <summary>Workbench switch, in neither paper nor code (0 = off): the reconstruction loss is also taken on the frames
    /// blurred by Gaussians of σ = 1, 2, .. 2^(n-1) px (<see cref="MultiScaleLoss"/>), so a misplaced stroke still tells
    /// a warp where to move.</summary>
    public int MultiScaleLevels { get; init; }
    /// <summary>Official code: z = tanh(f_M(u)); paper: z = f_M(u) (Eq. 4).</summary>
    public bool MotionTanh { get; init; }
    /// <summary>Official code: separate 1x1 convs for the x and y projections (pre_xt/pre_yt, post_xt/post_yt); paper: one f_M and one g_M.</summary>
    public bool SeparateAxisProjections { get; init; }
    public OutputActivation Output { get; init; } = OutputActivation.None;
    /// <summary>Final LayerNorm after each TimeSformer (standard TimeSformer; the official code has none).</summary>
    public bool FinalNorm { get; init; } = true;

    // Training defaults carried by the preset (overridable on the CLI).
    public ReconstructionLoss Loss { get; init; } = ReconstructionLoss.L2;
    /// <summary>Paper B.3: Adam, lr 1e-5 (for ~1 week on 8 A100s; short CPU presets use a larger rate).</summary>
    public double LearningRate { get; init; } = 1e-5;
    public double Beta1 { get; init; } = 0.5;
    public double Beta2 { get; init; } = 0.9;
    public double WeightDecay { get; init; }
    /// <summary>Official code: torch.optim.AdamW (with weight_decay = 0, the same update as Adam).</summary>
    public bool DecoupledWeightDecay { get; init; }
    public int BatchSize { get; init; } = 8;

    [JsonIgnore] public int GridHeight => Height / PatchSize;
    [JsonIgnore] public int GridWidth => Width / PatchSize;
    [JsonIgnore] public int TokensPerFrame => GridHeight * GridWidth;
    [JsonIgnore] public int TokensPerVideo => TokensPerFrame * Frames;
    /// <summary>Channels of the importance logits: 1 (Frame, Pixel) or C (PixelChannel).</summary>
    [JsonIgnore] public int ImportanceChannels => Importance == ImportanceGranularity.PixelChannel ? Channels : 1;

    /// <summary>Throws ArgumentException naming the first invalid option.</summary>
    public AutoencoderConfig Validate()
    {
        void Need(bool ok, string message) { if (!ok) throw new ArgumentException($"autoencoder config '{Name}': {message}"); }
        Need(Channels > 0 && Frames > 0 && Height > 0 && Width > 0, $"channels, frames, height, width must be positive (got C={Channels}, L={Frames}, H={Height}, W={Width})");
        Need(PatchSize > 0 && Height % PatchSize == 0 && Width % PatchSize == 0, $"patch size {PatchSize} must divide height {Height} and width {Width}");
        Need(Hidden > 0 && LatentChannels > 0 && Depth >= 0 && Heads > 0 && HeadDim > 0 && MlpRatio > 0, "hidden, D, heads, head dim, mlp ratio must be positive and depth >= 0");
        Need(ImportanceEntropy >= 0 && (ImportanceEntropy == 0 || WeightedSum), $"importance entropy must be >= 0 and needs the weighted sum (got {ImportanceEntropy})");
        Need(DecoderZNoise >= 0 && !double.IsNaN(DecoderZNoise), $"decoder z noise must be >= 0 (got {DecoderZNoise})");
        Need(ZPriorWeight >= 0 && ZPosteriorStd >= 0 && (ZPriorWeight > 0) == (ZPosteriorStd > 0),
            $"z prior weight and posterior std must both be > 0 or both 0 (got {ZPriorWeight}, {ZPosteriorStd})");
        Need(ZPriorWeight == 0 || (DecoderZNoise == 0 && !FreezeEncoder),
            "the z prior trains the encoder with its own noise: not with --decoder-z-noise or --freeze-encoder");
        Need(!RigidWarp || WarpComponents > 0, "a rigid warp needs warp components (--warp K)");
        Need(!WarpSprites || WarpComponents > 0, "warp sprites need warp components (--warp K)");
        Need(!WarpKeypoints || WarpSprites, "keypoints need warp sprites (--warp K --sprites)");
        Need(!WarpTracking || WarpKeypoints, "tracking needs keypoints (--warp K --sprites --keypoints)");
        Need(!WarpKeypoints || LatentChannels >= 2 * WarpComponents,
            $"keypoints need D >= 2K: a shift and a place per component (got D={LatentChannels}, K={WarpComponents})");
        Need(MultiScaleLevels is >= 0 and <= 6, $"multi-scale levels must be in 0..6 (blurs of 1 .. 32 px; got {MultiScaleLevels})");
        Need(WarpComponents >= 0 && !(WarpComponents > 0 && ContentKeys),
            $"warp components must be >= 0 and replace the decoder that content keys extend (got {WarpComponents}, content keys {ContentKeys})");
        Need(PositionEmbedding != PositionEmbeddingKind.SinCos || Hidden % 4 == 0, $"sin-cos position embeddings need hidden % 4 == 0 (got {Hidden})");
        Need(LearningRate > 0 && Beta1 is >= 0 and < 1 && Beta2 is >= 0 and < 1 && WeightDecay >= 0 && BatchSize > 0, "lr > 0, betas in [0,1), weight decay >= 0, batch size > 0");
        return this;
    }

    /// <summary>Switches every option where paper and official code disagree to the named variant.</summary>
    public AutoencoderConfig WithVariant(AutoencoderVariant variant) => variant == AutoencoderVariant.Paper
        ? this with
        {
            Variant = variant, Importance = ImportanceGranularity.PixelChannel, MotionTanh = false, SeparateAxisProjections = false,
            Output = OutputActivation.None, FinalNorm = true, Loss = ReconstructionLoss.L2, DecoupledWeightDecay = false,
            PositionEmbedding = PositionEmbedding == PositionEmbeddingKind.None ? PositionEmbeddingKind.SinCos : PositionEmbedding,
        }
        : this with
        {
            Variant = variant, Importance = ImportanceGranularity.PixelChannel, MotionTanh = true, SeparateAxisProjections = true,
            Output = OutputActivation.ScaledSigmoid, FinalNorm = false, Loss = ReconstructionLoss.L1, DecoupledWeightDecay = true,
            PositionEmbedding = PositionEmbeddingKind.None,
        };

    static readonly JsonSerializerOptions Json = new() { WriteIndented = false, Converters = { new JsonStringEnumConverter() } };
    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public static AutoencoderConfig FromJson(string json) =>
        (JsonSerializer.Deserialize<AutoencoderConfig>(json, Json) ?? throw new ArgumentException("empty autoencoder config JSON")).Validate();
}
