using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Metrics.Clip;

/// <summary>
/// model.py's VisionTransformer (CLIP's image tower, ViT-B/32: width 768, 12 layers, 12 heads, patch 32, 224 px, output 512):
/// patches by a stride-p convolution, a class token, learned positions, ln_pre, the transformer, ln_post on the class
/// token, then the projection.
/// </summary>
public sealed class ClipVisionTransformer : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly Parameter class_embedding, positional_embedding, proj;
    readonly LayerNorm ln_pre, ln_post;
    readonly ClipTransformer transformer;

    public ClipVisionTransformer(int inputResolution, int patchSize, int width, int layers, int heads, int outputDim) : base("VisionTransformer")
    {
        conv1 = nn.Conv2d(3, width, patchSize, stride: patchSize, bias: false);
        class_embedding = nn.Parameter(zeros(width));
        positional_embedding = nn.Parameter(zeros((inputResolution / patchSize) * (inputResolution / patchSize) + 1, width));
        ln_pre = nn.LayerNorm(width);
        transformer = new ClipTransformer(width, layers, heads, causal: false);
        ln_post = nn.LayerNorm(width);
        proj = nn.Parameter(zeros(width, outputDim));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = conv1.call(x).flatten(2).transpose(1, 2); // [N, grid^2, width]
        var cls = class_embedding.expand(x.shape[0], 1, -1);
        x = cat([cls, x], 1) + positional_embedding;
        x = transformer.call(ln_pre.call(x));
        return ln_post.call(x[.., 0, ..]).matmul(proj);
    }
}
