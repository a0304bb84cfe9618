namespace Cmd.Data;

/// <summary>
/// A random-access set of equally shaped video clips. <see cref="Get"/> must be deterministic for an index and
/// safe to call from several threads at once (the <see cref="VideoLoader"/> prefetches on background threads).
/// </summary>
public interface IVideoDataset
{
    /// <summary>Short name for logs and file names, e.g. "mmnist".</summary>
    string Name { get; }

    int Count { get; }

    /// <summary>Shape of every clip's <see cref="VideoClip.Frames"/>.</summary>
    VideoShape Shape { get; }

    /// <summary>Class names indexed by <see cref="VideoClip.Label"/>; empty when the dataset has no classes.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Clip <paramref name="index"/> (0 &lt;= index &lt; Count): frames [L, C, H, W] in [-1, 1]. The caller disposes it.</summary>
    VideoClip Get(int index);
}
