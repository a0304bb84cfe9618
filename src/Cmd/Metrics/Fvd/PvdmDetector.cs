using Cmd.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Metrics.Fvd;

/// <summary>
/// FVD as the authors' code computes it (NVlabs/CMD eval/fvd, from PVDM): InceptionI3d(400) with the user's
/// converted i3d_pretrained_400 weights (safetensors, PyTorch key names); frames quantised to uint8, scaled to
/// [0, 1], resized on the shorter side to 224 (bilinear) and centre-cropped, then mapped to [-1, 1];
/// features = the 400 logits averaged over time; the distance uses the SVD square root
/// (<see cref="TraceSqrtMethod.PvdmSvd"/>). Not comparable with StyleGAN-V's FVD.
/// </summary>
public sealed class PvdmDetector : IVideoDetector, IDisposable
{
    public const int Resolution = 224;
    readonly InceptionI3d model;
    readonly Device device;

    public string Protocol => "FVD PVDM/CMD";
    public string DetectorName { get; }
    public int FeatureDim => model.NumClasses;
    public InceptionI3d Model => model;

    public PvdmDetector(InceptionI3d model, string name, Device? device = null)
    {
        this.model = model;
        this.device = device ?? CPU;
        DetectorName = name;
        model.to(this.device);
        model.eval();
    }

    public static PvdmDetector Load(string path, Device? device = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: InceptionI3d weights not found (convert PVDM's i3d_pretrained_400.pt state dict to safetensors)", path);
        var model = new InceptionI3d();
        ModuleState.Load(model, path);
        return new PvdmDetector(model, $"InceptionI3d {Path.GetFileName(path)}", device);
    }

    /// <summary>[B, L, C, H, W] in [-1, 1] -> [B, 3, L, 224, 224] in [-1, 1] as PVDM's preprocess.</summary>
    public static Tensor Preprocess(Tensor videos, int resolution = Resolution)
    {
        if (videos.dim() != 5 || (videos.shape[2] != 1 && videos.shape[2] != 3))
            throw new ArgumentException($"videos must be [B, L, C in (1, 3), H, W], got [{string.Join(", ", videos.shape)}]");
        using var scope = NewDisposeScope();
        long b = videos.shape[0], l = videos.shape[1], h = videos.shape[3], w = videos.shape[4];
        var x = ((videos + 1) * 127.5).clamp(0, 255).to(ScalarType.Byte).to(ScalarType.Float32) / 255.0; // uint8 like the saved videos
        if (x.shape[2] == 1) x = x.repeat(1, 1, 3, 1, 1);
        double scale = (double)resolution / Math.Min(h, w);
        long[] size = h < w ? [resolution, (long)Math.Ceiling(w * scale)] : [(long)Math.Ceiling(h * scale), resolution];
        x = nn.functional.interpolate(x.reshape(b * l, 3, h, w), size, mode: InterpolationMode.Bilinear, align_corners: false);
        long hs = (x.shape[2] - resolution) / 2, ws = (x.shape[3] - resolution) / 2;
        x = x[.., .., TensorIndex.Slice(hs, hs + resolution), TensorIndex.Slice(ws, ws + resolution)];
        x = (x - 0.5) * 2;
        return x.reshape(b, l, 3, resolution, resolution).permute(0, 2, 1, 3, 4).contiguous().MoveToOuterDisposeScope();
    }

    public Tensor Features(Tensor videos)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return model.call(Preprocess(videos).to(device)).cpu().MoveToOuterDisposeScope();
    }

    public void Dispose() => model.Dispose();
}
