using static TorchSharp.torch;

namespace Cmd.Data;

/// <summary>
/// A batch from <see cref="VideoLoader"/>: <see cref="Frames"/> float32 [B, L, C, H, W] in [-1, 1],
/// <see cref="Labels"/> int64 [B], and per clip its caption, source and dataset index. Tensors live on the CPU
/// and belong to the caller: dispose the batch (e.g. <c>using var batch = ...</c>).
/// </summary>
public sealed class VideoBatch(Tensor frames, Tensor labels, string[] captions, string[] sources, int[] indices) : IDisposable
{
    public Tensor Frames { get; } = frames;
    public Tensor Labels { get; } = labels;
    public IReadOnlyList<string> Captions { get; } = captions;
    public IReadOnlyList<string> Sources { get; } = sources;
    public IReadOnlyList<int> Indices { get; } = indices;
    public int Size => Indices.Count;

    /// <summary>Stacks clips (all the same shape) into a batch; does not dispose the clips.</summary>
    public static VideoBatch Collate(IReadOnlyList<VideoClip> clips, IReadOnlyList<int> indices)
    {
        if (clips.Count == 0) throw new ArgumentException("cannot collate an empty batch");
        var frames = stack(clips.Select(c => c.Frames).ToArray());
        var labels = tensor(clips.Select(c => (long)c.Label).ToArray(), dtype: ScalarType.Int64);
        return new VideoBatch(frames, labels, clips.Select(c => c.Caption).ToArray(), clips.Select(c => c.Source).ToArray(), indices.ToArray());
    }

    public void Dispose()
    {
        Frames.Dispose();
        Labels.Dispose();
    }
}
