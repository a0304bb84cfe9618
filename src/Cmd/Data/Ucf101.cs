namespace Cmd.Data;

public enum UcfSubset { Train, Test }

/// <summary>
/// UCF-101 (Soomro et al. 2012) as distributed: videos at <c>&lt;root&gt;/&lt;Class&gt;/v_&lt;Class&gt;_gXX_cYY.avi</c> (or under
/// <c>&lt;root&gt;/UCF-101/</c>), the official split files <c>classInd.txt</c>, <c>trainlist0N.txt</c>, <c>testlist0N.txt</c> in
/// <c>&lt;root&gt;/ucfTrainTestlist/</c> (or <c>&lt;root&gt;/</c>, or a folder given). The paper trains on the train split only
/// (the default). Labels are classInd's indices minus one; a list entry whose folder disagrees with its class is an error.
/// </summary>
public static class Ucf101
{
    public static VideoFileDataset Open(string root, ClipSampling sampling, int split = 1, UcfSubset subset = UcfSubset.Train, string? splitsDirectory = null)
    {
        var (classes, entries) = ReadLists(root, split, subset, splitsDirectory);
        return new VideoFileDataset($"ucf101-{(subset == UcfSubset.Train ? "train" : "test")}{split}", entries, classes, sampling);
    }

    /// <summary>The classes and the videos a split file lists (no video is opened).</summary>
    public static (string[] Classes, List<VideoEntry> Entries) ReadLists(string root, int split = 1, UcfSubset subset = UcfSubset.Train, string? splitsDirectory = null)
    {
        if (split is < 1 or > 3) throw new ArgumentException($"UCF-101 has splits 1-3 (got {split})");
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"UCF-101 root {root} does not exist");
        string splits = splitsDirectory ?? FindSplits(root);
        var classes = ReadClassIndex(Path.Combine(splits, "classInd.txt"));
        string videoRoot = Directory.Exists(Path.Combine(root, "UCF-101")) ? Path.Combine(root, "UCF-101") : root;
        string list = Path.Combine(splits, $"{(subset == UcfSubset.Train ? "trainlist" : "testlist")}{split:00}.txt");
        if (!File.Exists(list)) throw new FileNotFoundException($"UCF-101 split file {list} is missing", list);
        var byName = classes.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        var entries = new List<VideoEntry>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(list))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string relative = parts[0].Replace('\\', '/');
            if (relative.Split('/').Any(part => part == "..") || relative.Contains('\0') || Path.IsPathRooted(relative))
                throw new InvalidDataException($"{list}:{lineNo}: '{relative}' leaves the dataset folder");
            string folder = relative.Contains('/') ? relative[..relative.IndexOf('/')] : "";
            if (!byName.TryGetValue(folder, out int label))
                throw new InvalidDataException($"{list}:{lineNo}: class folder '{folder}' of '{relative}' is not in classInd.txt");
            if (parts.Length > 1)
            {
                if (!int.TryParse(parts[1], out int listed) || listed - 1 != label)
                    throw new InvalidDataException($"{list}:{lineNo}: label '{parts[1]}' disagrees with classInd.txt ({folder} = {label + 1})");
            }
            entries.Add(new VideoEntry(Path.Combine(videoRoot, relative), label, classes[label]));
        }
        if (entries.Count == 0) throw new InvalidDataException($"{list} lists no videos");
        return (classes, entries);
    }

    static string FindSplits(string root)
    {
        foreach (var dir in new[] { Path.Combine(root, "ucfTrainTestlist"), root, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(root))!, "ucfTrainTestlist") })
            if (File.Exists(Path.Combine(dir, "classInd.txt"))) return dir;
        throw new FileNotFoundException($"no classInd.txt in {root}/ucfTrainTestlist, {root} or beside it: UCF-101 needs its official split files");
    }

    /// <summary>classInd.txt: "1 ApplyEyeMakeup" per line, indices 1..N in order.</summary>
    public static string[] ReadClassIndex(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing", path);
        var result = new List<string>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var parts = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts.Length != 2 || !int.TryParse(parts[0], out int index) || index != result.Count + 1)
                throw new InvalidDataException($"{path}:{lineNo}: expected '{result.Count + 1} <ClassName>', got '{raw.Trim()}'");
            result.Add(parts[1]);
        }
        if (result.Count == 0) throw new InvalidDataException($"{path} lists no classes");
        return result.ToArray();
    }
}
