using static TorchSharp.torch;

namespace Cmd.Metrics.Clip;

/// <summary>
/// CLIP's image preprocessing (clip._transform) for workbench frames [N, C, H, W] in [-1, 1]:
/// <list type="number">
/// <item>to 8-bit levels as torchvision's ToPILImage does: trunc(clamp((x + 1) / 2, 0, 1) * 255); grey frames
/// (C = 1) are repeated to 3 channels (PIL's convert("RGB"));</item>
/// <item>Resize(224, BICUBIC): the shorter side to 224, the longer to int(224 * long / short); skipped when the size
/// already matches. PIL's bicubic (a = -0.5, support widened when shrinking) is done with
/// <c>interpolate(mode: bicubic, antialias: true)</c>, libtorch's port of PIL's filter, in PIL's order: a horizontal
/// pass rounded and clamped to 8 bits, then a vertical pass, rounded and clamped (without the 8-bit intermediate,
/// noisy frames where bicubic overshoots end up to 21 levels off PIL);</item>
/// <item>CenterCrop(224) with torchvision's offsets round((size - 224) / 2) (round half to even);</item>
/// <item>ToTensor (/ 255) and Normalize with CLIP's mean and std.</item>
/// </list>
/// Against clip._transform with PIL itself, tests/fixtures/clip/make_standin_clip.py measured at most 1 level off: 0.011%
/// of values upscaling 32x48 grey noise, 0.004% downscaling a 232x240 RGB pattern (PIL's fixed-point weights); it
/// measures the PyTorch copy of this algorithm, which the tests hold this code to within 1e-5.
/// </summary>
public static class ClipPreprocess
{
    public static readonly float[] Mean = [0.48145466f, 0.4578275f, 0.40821073f];
    public static readonly float[] Std = [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>Frames [N, C in (1, 3), H, W] in [-1, 1] -> normalised images [N, 3, R, R] (float32).</summary>
    public static Tensor Frames(Tensor frames, int resolution = 224)
    {
        if (frames.dim() != 4 || (frames.shape[1] != 1 && frames.shape[1] != 3))
            throw new ArgumentException($"frames must be [N, C in (1, 3), H, W], got [{string.Join(", ", frames.shape)}]");
        using var scope = NewDisposeScope();
        // ToPILImage: pic.mul(255).byte(); float64 from here to the 8-bit rounding, so that roundings agree across libtorch versions
        var x = ((frames.to(ScalarType.Float32) + 1) / 2).clamp(0, 1).mul(255).trunc().to(ScalarType.Float64);
        if (x.shape[1] == 1) x = x.expand(-1, 3, -1, -1);
        var (h, w) = ResizedSize(x.shape[2], x.shape[3], resolution);
        if (w != x.shape[3]) x = Resize(x, x.shape[2], w); // PIL: horizontal pass stored as 8 bits, then vertical
        if (h != x.shape[2]) x = Resize(x, h, w);
        long top = (long)Math.Round((h - resolution) / 2.0, MidpointRounding.ToEven), left = (long)Math.Round((w - resolution) / 2.0, MidpointRounding.ToEven);
        x = x[.., .., TensorIndex.Slice(top, top + resolution), TensorIndex.Slice(left, left + resolution)];
        var mean = tensor(Mean).view(1, 3, 1, 1);
        var std = tensor(Std).view(1, 3, 1, 1);
        return ((x.to(ScalarType.Float32) / 255 - mean) / std).contiguous().MoveToOuterDisposeScope();
    }

    static Tensor Resize(Tensor x, long h, long w) =>
        nn.functional.interpolate(x, [h, w], mode: InterpolationMode.Bicubic, align_corners: false, antialias: true).round().clamp(0, 255);

    /// <summary>torchvision's Resize(int) output size: the shorter side to <paramref name="size"/>, the longer scaled and truncated.</summary>
    public static (long Height, long Width) ResizedSize(long h, long w, int size) =>
        h <= w ? (size, (long)(size * (double)w / h)) : ((long)(size * (double)h / w), size);

    internal static void CheckImages(Tensor images, int resolution, string model)
    {
        if (images.dim() != 4 || images.shape[1] != 3 || images.shape[2] != resolution || images.shape[3] != resolution)
            throw new ArgumentException($"{model}: encode_image takes preprocessed images [B, 3, {resolution}, {resolution}], got [{string.Join(", ", images.shape)}]");
    }
}
