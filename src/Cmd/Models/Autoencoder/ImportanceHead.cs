using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Autoencoder;

/// <summary>
/// f_I: importance logits of every frame from the encoder features u (Eq. 3 applies a softmax over time).
/// Paper: f_I maps u (C' x L x H' x W') to C x L x H x W; it does not say how. PixelChannel (paper and official
/// code's to_logit) and Pixel use a single transposed convolution (kernel = stride = patch) as post-layer, to C channels
/// or to 1 channel (weights shared by the channels); Frame pools u over the patches and gives one scalar per frame.
/// The projection starts at zero, like DiT's output layers: x̄ starts as the plain mean of the frames (the "w/o weighted sum"
/// baseline of Table 4b) and the head learns where to depart from it. (This alone does not keep Pixel weights smooth: on
/// `small` Moving MNIST, Adam turns the per-pixel kernel into a speckle pattern within a few hundred steps; Frame does not.)
/// </summary>
public sealed class ImportanceHead : nn.Module<Tensor, Tensor>
{
    readonly PatchConvTranspose2d? proj;
    readonly Linear? frame_proj;
    readonly int gridH, gridW;

    public ImportanceHead(AutoencoderConfig config) : base(nameof(ImportanceHead))
    {
        gridH = config.GridHeight;
        gridW = config.GridWidth;
        if (config.Importance == ImportanceGranularity.Frame) frame_proj = nn.Linear(config.Hidden, 1);
        else proj = new PatchConvTranspose2d(config.Hidden, config.ImportanceChannels, config.PatchSize);
        RegisterComponents();
        using (no_grad())
            foreach (var p in parameters()) nn.init.zeros_(p);
    }

    /// <summary>u: [B, L, H'W', C'] -> logits [B, L, K, H, W] (K = 1 or C), or [B, L, 1, 1, 1] per frame.</summary>
    public override Tensor forward(Tensor u)
    {
        long b = u.shape[0], l = u.shape[1], c = u.shape[3];
        if (frame_proj is not null) return frame_proj.call(u.mean([2])).view(b, l, 1, 1, 1);
        var grid = u.reshape(b * l, gridH, gridW, c).permute(0, 3, 1, 2);
        var logits = proj!.call(grid);
        return logits.view(b, l, logits.shape[1], logits.shape[2], logits.shape[3]);
    }
}
