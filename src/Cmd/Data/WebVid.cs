namespace Cmd.Data;

/// <summary>
/// WebVid (Bain et al. 2021) as its download scripts leave it: one or more <c>results_*.csv</c> files (columns
/// <c>videoid, name, page_dir</c> and others such as contentUrl, duration) in the root, videos at
/// <c>&lt;root&gt;/&lt;page_dir&gt;/&lt;videoid&gt;.mp4</c> (or under <c>&lt;root&gt;/videos/</c>). Caption = <c>name</c>; no classes.
/// Rows whose video was never downloaded are reported as Missing (policy Skip leaves them out).
/// </summary>
public static class WebVid
{
    public static VideoFileDataset Open(string root, ClipSampling sampling, string pattern = "results_*.csv") =>
        new("webvid", ReadEntries(root, pattern), [], sampling);

    /// <summary>The videos the results CSVs list (no video is opened).</summary>
    public static List<VideoEntry> ReadEntries(string root, string pattern = "results_*.csv")
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"WebVid root {root} does not exist");
        var csvs = Directory.GetFiles(root, pattern).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (csvs.Length == 0) throw new FileNotFoundException($"no {pattern} in {root}: WebVid needs its results CSV");
        string videoRoot = Directory.Exists(Path.Combine(root, "videos")) ? Path.Combine(root, "videos") : root;
        var entries = new List<VideoEntry>();
        foreach (var csv in csvs) entries.AddRange(ReadCsv(csv, videoRoot));
        return entries;
    }

    static IEnumerable<VideoEntry> ReadCsv(string csv, string videoRoot)
    {
        var rows = Csv.Read(csv).ToList();
        if (rows.Count == 0) throw new InvalidDataException($"{csv} is empty");
        var header = rows[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        int id = header.IndexOf("videoid"), name = header.IndexOf("name"), page = header.IndexOf("page_dir");
        if (id < 0 || name < 0 || page < 0)
            throw new InvalidDataException($"{csv}: header needs videoid, name and page_dir (has {string.Join(", ", rows[0])})");
        for (int r = 1; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row.Count == 1 && row[0].Length == 0) continue;
            if (row.Count != header.Count) throw new InvalidDataException($"{csv}: row {r + 1} has {row.Count} fields, the header {header.Count}");
            string videoId = row[id].Trim(), pageDir = row[page].Trim();
            if (videoId.Length == 0 || videoId.Contains('/') || videoId.Contains("..") || pageDir.Contains("..")
                || videoId.Contains('\0') || pageDir.Contains('\0') || Path.IsPathRooted(pageDir))
                throw new InvalidDataException($"{csv}: row {r + 1} has a bad videoid/page_dir ('{videoId}', '{pageDir}')");
            yield return new VideoEntry(Path.Combine(videoRoot, pageDir, videoId + ".mp4"), -1, row[name]);
        }
    }
}

/// <summary>RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines.</summary>
public static class Csv
{
    public static IEnumerable<List<string>> Read(string path)
    {
        var text = File.ReadAllText(path);
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                row.Add(field.ToString()); field.Clear();
                yield return row;
                row = [];
            }
            else field.Append(c);
        }
        if (quoted) throw new InvalidDataException($"{path}: a quoted field is not closed");
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); yield return row; }
    }
}
