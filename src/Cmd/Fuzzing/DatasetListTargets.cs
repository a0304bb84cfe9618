using System.Text;
using Cmd.Data;

namespace Cmd.Fuzzing;

/// <summary>
/// The dataset list readers, without opening any video: WebVid's results CSV (<see cref="WebVid.ReadEntries"/>) and
/// UCF-101's classInd.txt + trainlist01.txt (<see cref="Ucf101.ReadLists"/>). An accepted edit is another valid list;
/// a refusal must be an error naming the file; nothing may crash, hang, or list a path outside the dataset folder.
/// </summary>
public abstract class DatasetListTarget : IFuzzTarget
{
    protected Dictionary<string, string> SeedFiles = [];
    List<VideoEntry> seedEntries = [];

    public abstract string Name { get; }
    public abstract string Description { get; }
    public bool TextFormat => true;

    protected abstract Dictionary<string, string> MakeSeed();
    protected abstract List<VideoEntry> Read(string directory);

    public void Prepare(string workDirectory)
    {
        SeedFiles = MakeSeed();
        string dir = Path.Combine(workDirectory, "seed-list");
        Directory.CreateDirectory(dir);
        foreach (var (name, text) in SeedFiles) File.WriteAllText(Path.Combine(dir, name), text);
        seedEntries = Read(dir).Select(e => e with { Path = Path.GetRelativePath(dir, e.Path) }).ToList();
    }

    public FuzzInput Generate(Random r)
    {
        var files = SeedFiles.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value));
        var name = SeedFiles.Keys.Order(StringComparer.Ordinal).ElementAt(r.Next(SeedFiles.Count));
        string what;
        if (r.Next(4) == 0) (files[name], what) = Mutations.Raw(files[name], r);
        else
        {
            (var text, what) = Mutations.Text(SeedFiles[name], r);
            files[name] = Encoding.UTF8.GetBytes(text);
        }
        return new FuzzInput(files, $"{name}: {what}");
    }

    public (FuzzOutcome Outcome, string? Detail) Run(string inputDirectory)
    {
        List<VideoEntry> entries;
        try { entries = Read(inputDirectory); }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException && FuzzRunner.NamesFileIn(e, inputDirectory))
        {
            return (FuzzOutcome.CleanRejection, null);
        }
        string root = Path.GetFullPath(inputDirectory) + Path.DirectorySeparatorChar;
        if (entries.FirstOrDefault(e => !Path.GetFullPath(e.Path).StartsWith(root, StringComparison.Ordinal)) is { } outside)
            return (FuzzOutcome.AcceptedDifferent, $"lists {outside.Path}, outside the dataset folder");
        var relative = entries.Select(e => e with { Path = Path.GetRelativePath(inputDirectory, e.Path) }).ToList();
        return relative.SequenceEqual(seedEntries) ? (FuzzOutcome.AcceptedIdentical, null) : (FuzzOutcome.AcceptedDifferent, null);
    }

    public void Dispose() { }
}

public sealed class WebVidCsvTarget : DatasetListTarget
{
    public override string Name => "webvid-csv";
    public override string Description => "WebVid results CSV (RFC 4180 quoting, videoid/name/page_dir columns)";

    protected override Dictionary<string, string> MakeSeed() => new()
    {
        ["results_2M_train.csv"] = "videoid,contentUrl,duration,page_dir,name\n" +
            "1001,https://example.invalid/1.mp4,PT00H00M10S,000001_000050,\"A dog runs, then \"\"sits\"\"\"\n" +
            "1002,https://example.invalid/2.mp4,PT00H00M12S,000001_000050,Waves on a beach\n" +
            "1003,https://example.invalid/3.mp4,PT00H00M08S,000051_000100,\"Line one\nline two\"\n",
    };

    protected override List<VideoEntry> Read(string directory) => WebVid.ReadEntries(directory);
}

public sealed class Ucf101ListsTarget : DatasetListTarget
{
    public override string Name => "ucf101-lists";
    public override string Description => "UCF-101 classInd.txt and trainlist01.txt";

    protected override Dictionary<string, string> MakeSeed() => new()
    {
        ["classInd.txt"] = "1 ApplyEyeMakeup\n2 Basketball\n3 YoYo\n",
        ["trainlist01.txt"] = "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1\nBasketball/v_Basketball_g01_c01.avi 2\nYoYo/v_YoYo_g25_c05.avi 3\n" +
                              "Basketball/v_Basketball_g02_c03.avi 2\n",
    };

    protected override List<VideoEntry> Read(string directory) => Ucf101.ReadLists(directory, splitsDirectory: directory).Entries;
}
