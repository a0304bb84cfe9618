namespace Cmd.Data;

/// <summary>
/// Any folder of videos: class = first-level sub-folder (sorted names; videos deeper down belong to that class),
/// videos directly in the root have no class (-1). Files are recognised by extension and visited in sorted order.
/// </summary>
public static class VideoFolder
{
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { ".mp4", ".avi", ".mkv", ".webm", ".mov", ".m4v", ".mpg", ".mpeg", ".wmv", ".flv", ".ogv", ".3gp", ".ts" };

    public static VideoFileDataset Open(string root, ClipSampling sampling)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"video folder {root} does not exist");
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>()
            .Where(d => !d.StartsWith('.')).OrderBy(d => d, StringComparer.Ordinal).ToArray();
        var entries = new List<VideoEntry>();
        entries.AddRange(Videos(root, SearchOption.TopDirectoryOnly).Select(f => new VideoEntry(f)));
        for (int c = 0; c < classes.Length; c++)
            entries.AddRange(Videos(Path.Combine(root, classes[c]), SearchOption.AllDirectories).Select(f => new VideoEntry(f, c, classes[c])));
        if (entries.Count == 0) throw new InvalidDataException($"no video files ({string.Join(" ", Extensions.Order())}) in {root}");
        return new VideoFileDataset(Path.GetFileName(Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar)), entries, classes, sampling);
    }

    static IEnumerable<string> Videos(string dir, SearchOption option) =>
        Directory.GetFiles(dir, "*", option).Where(f => Extensions.Contains(Path.GetExtension(f))).OrderBy(f => f, StringComparer.Ordinal);
}
