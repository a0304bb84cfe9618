using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Denoisers;

/// <summary>Image to patch tokens (timm `PatchEmbed`): a stride-p convolution, flattened to [N, T, D]; p x p patches,
/// or p_h x p_w ones (timm's tuple patch_size).</summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    public readonly int PatchHeight, PatchWidth;
    readonly Conv2d proj;

    public PatchEmbed(int patchSize, int inChannels, int embedDim) : this(patchSize, patchSize, inChannels, embedDim) { }

    public PatchEmbed(int patchHeight, int patchWidth, int inChannels, int embedDim) : base(nameof(PatchEmbed))
    {
        (PatchHeight, PatchWidth) = (patchHeight, patchWidth);
        proj = nn.Conv2d(inChannels, embedDim, kernel_size: (patchHeight, patchWidth), stride: (patchHeight, patchWidth),
            bias: true);
        RegisterComponents();
    }

    public Conv2d Proj => proj;

    public override Tensor forward(Tensor x)
    {
        if (x.shape[^2] % PatchHeight != 0 || x.shape[^1] % PatchWidth != 0)
            throw new ArgumentException($"input {x.shape[^2]}x{x.shape[^1]} is not a multiple of the patch size " +
                (PatchHeight == PatchWidth ? $"{PatchHeight}" : $"{PatchHeight}x{PatchWidth}"));
        // contiguous [N, T, D]: a transposed view here would give `tokens + pos_embed` and every residual sum after it the
        // [N, D, T] memory order, so each LayerNorm (forward and backward) would copy its input and each add mix two orders
        return proj.call(x).flatten(2).transpose(1, 2).contiguous();
    }
}
