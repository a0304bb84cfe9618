using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cmd.Data;
using Cmd.IO;
using Cmd.Presets;

namespace Cmd.Studies;

/// <summary>A study file that cannot be used: the message names the file and what is wrong, on one line.</summary>
public sealed class StudyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Reads studies/*.json (comments and trailing commas allowed; unknown fields are errors) and checks them.</summary>
public static partial class StudyFile
{
    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };
    static readonly JsonSerializerOptions Write = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NamePattern();

    /// <summary>The study in <paramref name="path"/> with the overrides applied, checked.</summary>
    public static Study Load(string path, StudyOverrides? overrides = null)
    {
        if (!File.Exists(path)) throw new StudyException($"study file {path} does not exist");
        JsonNode node;
        try { node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                     ?? throw new StudyException($"{path}: empty study file"); }
        catch (JsonException e) { throw new StudyException($"{path}: not valid JSON ({e.Message})"); }
        if (node is not JsonObject json) throw new StudyException($"{path}: a study is a JSON object");
        overrides ??= new StudyOverrides();
        Study study;
        // JsonObject reads its keys on first access: a lone surrogate escape ("\ud800") fails there
        try
        {
            Apply(json, overrides);
            study = json.Deserialize<Study>(Options) ?? throw new StudyException($"{path}: empty study");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new StudyException($"{path}: {e.Message}");
        }
        if (overrides.Results is not null) study = study with { Results = Path.GetFullPath(overrides.Results) };
        if (overrides.Runs is not null) study = study with { Runs = Path.GetFullPath(overrides.Runs) };
        return Check(study, path);
    }

    /// <summary>The study as a file again (the slurm tasks read this copy, so later edits of the original do not mix in).</summary>
    public static void Save(Study study, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(study, Write) + "\n");
    }

    static void Apply(JsonObject json, StudyOverrides o)
    {
        var suffix = new List<string>();
        if (o.Dataset is not null) { SetPath(json, "dataset.name", JsonValue.Create(o.Dataset)); suffix.Add(o.Dataset); }
        if (o.Root is not null) SetPath(json, "dataset.root", JsonValue.Create(Path.GetFullPath(o.Root))); // as the user's shell sees it
        if (o.Preset is not null) { SetPath(json, "preset", JsonValue.Create(o.Preset)); suffix.Add(o.Preset); }
        if (o.Channels is int c) { SetPath(json, "dataset.channels", JsonValue.Create(c)); suffix.Add($"c{c}"); }
        if (o.Seeds is not null)
        {
            SetPath(json, "seeds", new JsonArray(o.Seeds.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()));
            suffix.Add($"seeds{o.Seeds.Length}");
        }
        foreach (var assignment in o.Set)
        {
            int eq = assignment.IndexOf('=');
            if (eq <= 0) throw new StudyException($"--set '{assignment}': expected path=value (e.g. steps.autoencoder=20000)");
            var value = assignment[(eq + 1)..];
            JsonNode? parsed;
            try { parsed = JsonNode.Parse(value); } catch (JsonException) { parsed = JsonValue.Create(value); }
            SetPath(json, assignment[..eq], parsed);
        }
        if (o.Set.Count > 0) suffix.Add("set" + ConfigKey.Of(o.Set.ToArray())[..6]);
        // The dataset's folder alone (same dataset elsewhere) keeps the name; every other change makes another study.
        if (suffix.Count == 0) return;
        var tail = "--" + string.Join("-", suffix);
        json["name"] = json["name"]?.GetValue<string>() + tail;
        foreach (var folder in new[] { "results", "runs" }) // folders the file names keep apart from the original's too
            if (json[Existing(json, folder)] is JsonValue v && v.TryGetValue<string>(out var given))
                json[Existing(json, folder)] = given.TrimEnd('/') + tail;
    }

    /// <summary>Sets a dotted path (property names case-insensitive), creating objects on the way.</summary>
    static void SetPath(JsonObject json, string dotted, JsonNode? value)
    {
        var parts = dotted.Split('.');
        JsonObject at = json;
        foreach (var p in parts[..^1])
        {
            var key = Existing(at, p);
            if (at[key] is not JsonObject child) { child = new JsonObject(); at[key] = child; }
            at = child;
        }
        at[Existing(at, parts[^1])] = value;
    }

    static string Existing(JsonObject o, string name) =>
        o.FirstOrDefault(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Key ?? name;

    /// <summary>Every reference in the study resolves; throws a one-line <see cref="StudyException"/> naming the file.</summary>
    public static Study Check(Study s, string path)
    {
        void Need(bool ok, string message) { if (!ok) throw new StudyException($"{path}: {message}"); }
        Need(NamePattern().IsMatch(s.Name), $"name '{s.Name}' must be letters, digits, '.', '-', '_'");
        Need(s.Seeds.Length > 0 && s.Seeds.Distinct().Count() == s.Seeds.Length, $"seeds must be distinct and at least one (got [{string.Join(", ", s.Seeds)}])");
        try { RunPresets.Named(s.Preset); } catch (ArgumentException e) { throw new StudyException($"{path}: {e.Message}"); }
        foreach (var d in new[] { s.Dataset }.Concat(s.Variants.Select(v => v.Dataset)).OfType<StudyDataset>())
        {
            Need(VideoDatasets.Names.Contains(d.Name.ToLowerInvariant()), $"unknown dataset '{d.Name}' (known: {string.Join(", ", VideoDatasets.Names)})");
            Need(d.Name is "mmnist" or "opencv" || !string.IsNullOrEmpty(d.Root), $"dataset {d.Name} needs a root folder (dataset.root, or --root)");
            Need(d.Channels is null or 1 or 3, $"dataset channels must be 1 or 3 (got {d.Channels})");
            Need(d.Clips > 0, $"dataset clips must be positive (got {d.Clips})");
        }
        Need(s.EvaluationClips >= 0 && s.Pairs >= 0 && s.Steps.Autoencoder >= 0 && s.Steps.Content >= 0 && s.Steps.Motion >= 0,
            "steps, pairs and evaluationClips must be >= 0 (0 = the preset's)");
        var known = CellMetrics.Of(s.Kind);
        foreach (var m in s.Metrics)
            Need(known.Contains(m), $"metric '{m}' is not measured by {s.Kind} studies (known: {string.Join(", ", known)})");
        Need(s.Metrics.Length > 0, $"name the metrics to collect ({s.Kind} studies measure {string.Join(", ", known)})");
        Need(s.Variants.Length > 0 || s.Grid is { Count: > 0 }, "give variants or a grid (one variant with no changes is {\"name\": \"base\"})");
        Need(s.Variants.Select(v => v.Name).Distinct().Count() == s.Variants.Length, "variant names must be unique");
        DetectorSpec.Parse(s.Detector, path);
        if (s.Paper is { } paper)
        {
            var names = StudyPlan.VariantNames(s);
            foreach (var r in paper.Rows)
            {
                Need(names.Contains(r.Variant), $"paper row '{r.Label}' names variant '{r.Variant}', which the study does not have (has: {string.Join(", ", names)})");
                Need(s.Metrics.Contains(r.Metric), $"paper row '{r.Label}' names metric '{r.Metric}', which the study does not collect");
            }
            Need(paper.Rows.Select(r => r.Label).Distinct().Count() == paper.Rows.Length, "paper row labels must be unique");
            foreach (var o in paper.Orderings)
                Need(paper.Rows.Any(r => r.Label == o.Less) && paper.Rows.Any(r => r.Label == o.Greater),
                    $"ordering '{o.Less} < {o.Greater}' must name two paper rows (rows: {string.Join(", ", paper.Rows.Select(r => r.Label))})");
        }
        Need(s.Slurm.CpusPerTask > 0, "slurm.cpusPerTask must be positive");
        return s;
    }
}
