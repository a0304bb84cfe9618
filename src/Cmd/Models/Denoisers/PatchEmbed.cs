using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Denoisers;

/// <summary>Image to patch tokens (timm `PatchEmbed`): a stride-p convolution, flattened to [N, T, D].</summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    public readonly int PatchSize;
    readonly Conv2d proj;

    public PatchEmbed(int patchSize, int inChannels, int embedDim) : base(nameof(PatchEmbed))
    {
        PatchSize = patchSize;
        proj = nn.Conv2d(inChannels, embedDim, kernel_size: patchSize, stride: patchSize, bias: true);
        RegisterComponents();
    }

    public Conv2d Proj => proj;

    public override Tensor forward(Tensor x)
    {
        if (x.shape[^1] % PatchSize != 0 || x.shape[^2] % PatchSize != 0)
            throw new ArgumentException($"input {x.shape[^2]}x{x.shape[^1]} is not a multiple of patch size {PatchSize}");
        // contiguous [N, T, D]: a transposed view here would give `tokens + pos_embed` and every residual sum after it the
        // [N, D, T] memory order, so each LayerNorm (forward and backward) would copy its input and each add mix two orders
        return proj.call(x).flatten(2).transpose(1, 2).contiguous();
    }
}
