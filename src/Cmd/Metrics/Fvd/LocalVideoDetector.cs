using Cmd.IO;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Metrics.Fvd;

/// <summary>
/// One (2+1)D stage: a spatial 3x3 convolution on every frame, then a temporal convolution of 3 frames at every
/// position (kernel (3, 1) on the [B, C, L, H*W] view), each followed by BatchNorm and SiLU (R(2+1)D, Tran et al. 2018).
/// BatchNorm, not GroupNorm: with GroupNorm before global average pooling every sample's pooled features came out
/// nearly the same (per-sample normalisation removes what pooling keeps) and the detector never left chance.
/// </summary>
public sealed class Conv2Plus1d : nn.Module<Tensor, Tensor>
{
    readonly Conv2d spatial, temporal;
    readonly BatchNorm2d spatial_norm, temporal_norm;

    public Conv2Plus1d(int cin, int cout, int spatialStride, int temporalStride) : base(nameof(Conv2Plus1d))
    {
        spatial = nn.Conv2d(cin, cout, 3, stride: spatialStride, padding: 1);
        spatial_norm = nn.BatchNorm2d(cout);
        temporal = nn.Conv2d(cout, cout, (3, 1), stride: (temporalStride, 1), padding: (1, 0));
        temporal_norm = nn.BatchNorm2d(cout);
        RegisterComponents();
    }

    /// <summary>x: [B, L, C, H, W] -> [B, L', C', H', W'].</summary>
    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], l = x.shape[1];
        var s = nn.functional.silu(spatial_norm.call(spatial.call(x.flatten(0, 1))));       // [B L, C', H', W']
        long c = s.shape[1], h = s.shape[2], w = s.shape[3];
        var t = s.view(b, l, c, h * w).permute(0, 2, 1, 3);                                 // [B, C', L, H' W']
        t = nn.functional.silu(temporal_norm.call(temporal.call(t)));                        // [B, C', L', H' W']
        return t.permute(0, 2, 1, 3).reshape(b, t.shape[2], c, h, w);
    }
}

/// <summary>
/// The FVD-local detector: a small (2+1)D-convolutional video classifier trained by the workbench on its own data
/// (Moving MNIST here), whose penultimate activations (<see cref="FeatureDim"/>-d) stand in for I3D's features.
/// Input: videos [B, L, C, H, W] in [-1, 1] (the dataset layout; 64x64 and larger are 2x2 average-pooled first); four stride-2 (2+1)D stages, global average
/// pooling over time and space, one hidden layer (the features), a classification head.
/// </summary>
public sealed class LocalVideoDetector : nn.Module<Tensor, Tensor>
{
    public const int FeatureDim = 128;
    public int Channels { get; }
    public int NumClasses { get; }

    readonly Sequential stem;
    readonly Linear fc, head;

    public LocalVideoDetector(int channels = 1, int numClasses = 10, int width = 16) : base(nameof(LocalVideoDetector))
    {
        Channels = channels;
        NumClasses = numClasses;
        int w = width;
        stem = nn.Sequential(
            new Conv2Plus1d(channels, w, 2, 1),   // L x H/2 x W/2
            new Conv2Plus1d(w, 2 * w, 2, 2),      // L/2 x H/4 x W/4
            new Conv2Plus1d(2 * w, 4 * w, 2, 2),  // L/4 x H/8 x W/8
            new Conv2Plus1d(4 * w, 8 * w, 2, 2)   // L/8 x H/16 x W/16
        );
        fc = nn.Linear(8 * w, FeatureDim);
        head = nn.Linear(FeatureDim, numClasses);
        RegisterComponents();
    }

    /// <summary>Penultimate features [B, 128] of videos [B, L, C, H, W] in [-1, 1].</summary>
    public Tensor Features(Tensor video)
    {
        if (video.dim() != 5 || video.shape[2] != Channels)
            throw new ArgumentException($"FVD-local detector expects videos [B, L, C={Channels}, H, W], got [{string.Join(", ", video.shape)}]");
        if (video.shape[1] < 8 || video.shape[3] < 16 || video.shape[4] < 16)
            throw new ArgumentException($"FVD-local detector needs at least 8 frames of 16x16, got [{string.Join(", ", video.shape)}]");
        if (video.shape[3] >= 64 && video.shape[4] >= 64)         // 64x64 and up: 2x2 average pooling first (cost / 4)
        {
            long b = video.shape[0], l = video.shape[1];
            var pooled = nn.functional.avg_pool2d(video.flatten(0, 1), 2);
            video = pooled.view(b, l, pooled.shape[1], pooled.shape[2], pooled.shape[3]);
        }
        var h = stem.call(video);                                 // [B, L', C', H', W']
        return nn.functional.silu(fc.call(h.mean([1, 3, 4])));
    }

    /// <summary>Class logits [B, classes] (multi-label: which digits appear in the clip).</summary>
    public override Tensor forward(Tensor video) => head.call(Features(video));

    /// <summary>Loads detector weights saved by `workbench fvd train-local` (channels from the file's metadata).</summary>
    public static LocalVideoDetector Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: FVD-local detector weights not found (train them with `workbench fvd train-local`)", path);
        var meta = SafeTensors.LoadMetadata(path);
        int channels = meta.TryGetValue("channels", out var c) && int.TryParse(c, out var n) ? n : 1;
        var detector = new LocalVideoDetector(channels);
        ModuleState.Load(detector, path);
        detector.eval();
        return detector;
    }
}
