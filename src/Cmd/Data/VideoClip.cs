using static TorchSharp.torch;

namespace Cmd.Data;

/// <summary>Shape of every clip of a dataset: L frames of C x H x W.</summary>
public readonly record struct VideoShape(int Frames, int Channels, int Height, int Width)
{
    public long[] ClipDims => [Frames, Channels, Height, Width];
    public override string ToString() => $"[L={Frames}, C={Channels}, H={Height}, W={Width}]";
}

/// <summary>
/// One clip: <see cref="Frames"/> is a float32 CPU tensor [L, C, H, W] with values in [-1, 1];
/// <see cref="Label"/> is the class index (-1 when the dataset has no classes); <see cref="Caption"/> describes
/// the clip ("" when none); <see cref="Source"/> says where it came from (file path and frame range, or generator
/// and seed). The caller owns the tensor: dispose the clip.
/// </summary>
public sealed class VideoClip(Tensor frames, int label, string caption, string source) : IDisposable
{
    public Tensor Frames { get; } = frames;
    public int Label { get; } = label;
    public string Caption { get; } = caption;
    public string Source { get; } = source;

    public void Dispose() => Frames.Dispose();
}
