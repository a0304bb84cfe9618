using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cmd.Studies;

/// <summary>
/// A finished cell's done marker (results/&lt;study&gt;/cells/&lt;key&gt;/done.json): its metrics, how long it took, where
/// it ran, and the resolved config it was computed from. A cell with this file is never run again.
/// </summary>
public sealed record CellResult
{
    public const string FileName = "done.json";

    public required string Key { get; init; }
    public required string Study { get; init; }
    public required string Variant { get; init; }
    public required int Seed { get; init; }
    public required Dictionary<string, double> Metrics { get; init; }
    /// <summary>Seconds of every run of the cell, resumes included (<see cref="CellClock"/>).</summary>
    public double Seconds { get; init; }
    /// <summary>How many processes ran the cell; 0 in markers written before runs were counted, whose
    /// <see cref="Seconds"/> and <see cref="Started"/> are the last run's only.</summary>
    public int Runs { get; init; }
    /// <summary>When the cell's first run started.</summary>
    public DateTimeOffset Started { get; init; }
    public DateTimeOffset Finished { get; init; }
    /// <summary>CPU model and core count of the machine that ran the cell (e.g. "Intel Xeon ... (2 cores)").</summary>
    public string Machine { get; init; } = "";
    public string Device { get; init; } = "cpu";
    public int Threads { get; init; }
    /// <summary>Small files the cell wrote beside its marker (PNG), relative to the marker's folder.</summary>
    public string[] Artefacts { get; init; } = [];
    public JsonNode? Config { get; init; }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Reads the marker in a cell folder; null when there is none. A damaged marker is an error naming the file.</summary>
    public static CellResult? Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<CellResult>(File.ReadAllText(path), Json) ?? throw new JsonException("empty"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        { throw new StudyException($"done marker {path} is damaged ({e.Message}); delete it to run the cell again"); }
    }

    /// <summary>Writes the marker atomically (a temporary file renamed over it), so a killed cell never leaves half a marker.</summary>
    public void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(this, Json) + "\n");
        File.Move(tmp, path, overwrite: true);
    }
}
