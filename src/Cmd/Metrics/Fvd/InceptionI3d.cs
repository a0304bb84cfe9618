using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Metrics.Fvd;

/// <summary>TensorFlow-style 'same' padding of a 3D kernel/stride for an input length (pytorch-i3d's compute_pad).</summary>
static class SamePadding
{
    public static long[] For(long[] kernel, long[] stride, Tensor x)
    {
        long Pad(int d, long s) => s % stride[d] == 0 ? Math.Max(kernel[d] - stride[d], 0) : Math.Max(kernel[d] - s % stride[d], 0);
        long pt = Pad(0, x.shape[2]), ph = Pad(1, x.shape[3]), pw = Pad(2, x.shape[4]);
        return [pw / 2, pw - pw / 2, ph / 2, ph - ph / 2, pt / 2, pt - pt / 2];
    }
}

/// <summary>Max pooling with 'same' padding (zeros, as pytorch-i3d pads with F.pad before nn.MaxPool3d).</summary>
public sealed class MaxPool3dSamePadding : nn.Module<Tensor, Tensor>
{
    readonly long[] kernel, stride;

    public MaxPool3dSamePadding(long[] kernel, long[] stride) : base(nameof(MaxPool3dSamePadding))
    {
        this.kernel = kernel;
        this.stride = stride;
    }

    public override Tensor forward(Tensor x) =>
        nn.functional.max_pool3d(nn.functional.pad(x, SamePadding.For(kernel, stride, x)), kernel, stride);
}

/// <summary>Conv3d (no bias unless asked) + BatchNorm3d(eps 1e-5) + ReLU with 'same' padding: pytorch-i3d's Unit3D (keys conv3d.*, bn.*).</summary>
public sealed class Unit3D : nn.Module<Tensor, Tensor>
{
    readonly Conv3d conv3d;
    readonly BatchNorm3d? bn;
    readonly long[] kernel, stride;
    readonly bool relu;

    public Unit3D(long cin, long cout, long[] kernel, long[]? stride = null, bool relu = true, bool batchNorm = true, bool bias = false)
        : base(nameof(Unit3D))
    {
        this.kernel = kernel;
        this.stride = stride ?? [1, 1, 1];
        this.relu = relu;
        conv3d = nn.Conv3d(cin, cout, (kernel[0], kernel[1], kernel[2]), stride: (this.stride[0], this.stride[1], this.stride[2]), bias: bias);
        if (batchNorm) bn = nn.BatchNorm3d(cout, eps: 1e-5, momentum: 0.001);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = conv3d.call(nn.functional.pad(x, SamePadding.For(kernel, stride, x)));
        if (bn is not null) x = bn.call(x);
        return relu ? nn.functional.relu(x) : x;
    }
}

/// <summary>Inception block of I3D: 1x1; 1x1 -> 3x3x3; 1x1 -> 3x3x3; 3x3x3 max-pool -> 1x1 (keys b0, b1a, b1b, b2a, b2b, b3b).</summary>
public sealed class InceptionModule : nn.Module<Tensor, Tensor>
{
    readonly Unit3D b0, b1a, b1b, b2a, b2b, b3b;
    readonly MaxPool3dSamePadding b3a;

    public InceptionModule(long cin, int[] c) : base(nameof(InceptionModule))
    {
        long[] one = [1, 1, 1], three = [3, 3, 3];
        b0 = new Unit3D(cin, c[0], one);
        b1a = new Unit3D(cin, c[1], one);
        b1b = new Unit3D(c[1], c[2], three);
        b2a = new Unit3D(cin, c[3], one);
        b2b = new Unit3D(c[3], c[4], three);
        b3a = new MaxPool3dSamePadding(three, one);
        b3b = new Unit3D(cin, c[5], one);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        cat([b0.call(x), b1b.call(b1a.call(x)), b2b.call(b2a.call(x)), b3b.call(b3a.call(x))], 1);
}

/// <summary>
/// Inception-v1 I3D (Carreira &amp; Zisserman 2017) with the parameter names of pytorch-i3d as PVDM and NVlabs/CMD
/// (eval/fvd/pytorch_i3d.py) use it, so their i3d_pretrained_400.pt state dict, converted to safetensors, loads
/// strictly. forward: [B, 3, T, 224, 224] in [-1, 1] -> the 400 logits averaged over time.
/// </summary>
public sealed class InceptionI3d : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // the PyTorch attribute names are the state-dict keys
    readonly Unit3D Conv3d_1a_7x7, Conv3d_2b_1x1, Conv3d_2c_3x3, logits;
    readonly MaxPool3dSamePadding MaxPool3d_2a_3x3, MaxPool3d_3a_3x3, MaxPool3d_4a_3x3, MaxPool3d_5a_2x2;
    readonly InceptionModule Mixed_3b, Mixed_3c, Mixed_4b, Mixed_4c, Mixed_4d, Mixed_4e, Mixed_4f, Mixed_5b, Mixed_5c;
#pragma warning restore IDE1006

    public int NumClasses { get; }

    public InceptionI3d(int numClasses = 400, int inChannels = 3) : base(nameof(InceptionI3d))
    {
        NumClasses = numClasses;
        Conv3d_1a_7x7 = new Unit3D(inChannels, 64, [7, 7, 7], [2, 2, 2]);
        MaxPool3d_2a_3x3 = new MaxPool3dSamePadding([1, 3, 3], [1, 2, 2]);
        Conv3d_2b_1x1 = new Unit3D(64, 64, [1, 1, 1]);
        Conv3d_2c_3x3 = new Unit3D(64, 192, [3, 3, 3]);
        MaxPool3d_3a_3x3 = new MaxPool3dSamePadding([1, 3, 3], [1, 2, 2]);
        Mixed_3b = new InceptionModule(192, [64, 96, 128, 16, 32, 32]);
        Mixed_3c = new InceptionModule(256, [128, 128, 192, 32, 96, 64]);
        MaxPool3d_4a_3x3 = new MaxPool3dSamePadding([3, 3, 3], [2, 2, 2]);
        Mixed_4b = new InceptionModule(128 + 192 + 96 + 64, [192, 96, 208, 16, 48, 64]);
        Mixed_4c = new InceptionModule(192 + 208 + 48 + 64, [160, 112, 224, 24, 64, 64]);
        Mixed_4d = new InceptionModule(160 + 224 + 64 + 64, [128, 128, 256, 24, 64, 64]);
        Mixed_4e = new InceptionModule(128 + 256 + 64 + 64, [112, 144, 288, 32, 64, 64]);
        Mixed_4f = new InceptionModule(112 + 288 + 64 + 64, [256, 160, 320, 32, 128, 128]);
        MaxPool3d_5a_2x2 = new MaxPool3dSamePadding([2, 2, 2], [2, 2, 2]);
        Mixed_5b = new InceptionModule(256 + 320 + 128 + 128, [256, 160, 320, 32, 128, 128]);
        Mixed_5c = new InceptionModule(256 + 320 + 128 + 128, [384, 192, 384, 48, 128, 128]);
        logits = new Unit3D(384 + 384 + 128 + 128, numClasses, [1, 1, 1], relu: false, batchNorm: false, bias: true);
        RegisterComponents();
    }

    /// <summary>Mixed_5c activations [B, 1024, T', H', W'].</summary>
    public Tensor Trunk(Tensor x)
    {
        if (x.dim() != 5 || x.shape[1] != 3) throw new ArgumentException($"InceptionI3d expects [B, 3, T, H, W], got [{string.Join(", ", x.shape)}]");
        x = MaxPool3d_2a_3x3.call(Conv3d_1a_7x7.call(x));
        x = MaxPool3d_3a_3x3.call(Conv3d_2c_3x3.call(Conv3d_2b_1x1.call(x)));
        x = MaxPool3d_4a_3x3.call(Mixed_3c.call(Mixed_3b.call(x)));
        x = Mixed_4f.call(Mixed_4e.call(Mixed_4d.call(Mixed_4c.call(Mixed_4b.call(x)))));
        return Mixed_5c.call(Mixed_5b.call(MaxPool3d_5a_2x2.call(x)));
    }

    /// <summary>Logits [B, classes]: avg-pool (2, 7, 7) stride 1, 1x1x1 conv, squeeze space, mean over time (dropout is identity at eval).</summary>
    public override Tensor forward(Tensor x)
    {
        var h = nn.functional.avg_pool3d(Trunk(x), [2, 7, 7], [1, 1, 1]);
        return logits.call(h).squeeze(4).squeeze(3).mean([2]);
    }
}
