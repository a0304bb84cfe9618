using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Cmd.Studies;

/// <summary>
/// A cell's time over every process that ran it. A killed cell resumes from its checkpoints, so its done marker should
/// say what the whole cell took, not its last run. The run folder keeps the seconds so far and the first start
/// (cell-time.json), saved every minute and at the end: a kill loses at most a minute of the count.
/// </summary>
public sealed class CellClock : IDisposable
{
    public const string FileName = "cell-time.json";
    static readonly TimeSpan SaveEvery = TimeSpan.FromMinutes(1);

    readonly string path;
    readonly double before;
    readonly Stopwatch watch = Stopwatch.StartNew();
    readonly Timer timer;
    readonly Lock gate = new();

    /// <summary>When the first process of the cell started.</summary>
    public DateTimeOffset FirstStarted { get; }

    /// <summary>How many processes have run the cell, this one included.</summary>
    public int Runs { get; }

    /// <summary>Seconds of all the cell's runs so far.</summary>
    public double Seconds => before + watch.Elapsed.TotalSeconds;

    sealed record Saved(double Seconds, DateTimeOffset FirstStarted, int Runs);

    /// <param name="log">Told when an earlier count cannot be read (the cell then counts from now).</param>
    public CellClock(string runFolder, Action<string> log)
    {
        path = Path.Combine(runFolder, FileName);
        var saved = Read(path, log);
        (before, FirstStarted, Runs) = saved is null
            ? (0, DateTimeOffset.Now, 1)
            : (saved.Seconds, saved.FirstStarted, saved.Runs + 1);
        Save();
        timer = new Timer(_ => TrySave(), null, SaveEvery, SaveEvery);
    }

    static Saved? Read(string path, Action<string> log)
    {
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<Saved>(File.ReadAllText(path)) ?? throw new JsonException("empty"); }
        catch (Exception e) when (e is JsonException or IOException)
        {
            log($"{path} is unreadable ({e.Message.Split('\n')[0]}): this cell's time counts from now");
            return null;
        }
    }

    void Save()
    {
        lock (gate)
        {
            var tmp = path + ".tmp";
            File.WriteAllText(tmp, JsonSerializer.Serialize(new Saved(Seconds, FirstStarted, Runs)) + "\n");
            File.Move(tmp, path, overwrite: true);
        }
    }

    /// <summary>A count that cannot be saved for a moment (a full disk) must not stop the cell: the next save catches
    /// up.</summary>
    void TrySave()
    {
        try { Save(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>"2987 s" or "2987 s over 3 runs".</summary>
    public string Describe() =>
        Seconds.ToString("F0", CultureInfo.InvariantCulture) + " s" + (Runs > 1 ? $" over {Runs} runs" : "");

    public void Dispose()
    {
        timer.Dispose();
        TrySave();
    }
}
