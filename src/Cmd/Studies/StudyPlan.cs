using System.Text.Json;
using System.Text.Json.Nodes;
using Cmd.IO;
using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Presets;
using Cmd.Training;

namespace Cmd.Studies;

/// <summary>
/// Everything that decides what a cell computes. Its <see cref="ConfigKey"/> names the cell's run folder and done
/// marker, so a changed parameter (a step count, a width, the detector's weights) never reuses a stale run. Paths of
/// weights enter by content (SHA-256), so the key is the same on every machine.
/// </summary>
public sealed record CellConfig
{
    public required StudyKind Kind { get; init; }
    public required StudyDataset Dataset { get; init; }
    public required AutoencoderConfig Autoencoder { get; init; }
    public DiTConfig? Content { get; init; }
    public MotionDiTConfig? Motion { get; init; }
    public long AutoencoderSteps { get; init; }
    public long ContentSteps { get; init; }
    public long MotionSteps { get; init; }
    public int DiffusionBatch { get; init; }
    public int Seed { get; init; }
    public int Pairs { get; init; }
    public int EvaluationClips { get; init; }
    public int ContentSamplingSteps { get; init; }
    public int MotionSamplingSteps { get; init; }
    public double CfgScale { get; init; }
    /// <summary>"cell" (trained in the cell), "weights:&lt;sha&gt;" (given) or "shared:&lt;key&gt;" (trained once for the study).</summary>
    public required string AutoencoderSource { get; init; }
    /// <summary>"none", or the detector's kind and weights hash.</summary>
    public required string Detector { get; init; }
}

/// <summary>One run of a study: a variant at a seed, with its resolved config and key.</summary>
public sealed record StudyCell(int Index, string Variant, int Seed, CellConfig Config, string Key)
{
    public string Label => $"{Variant}, seed {Seed}";
}

/// <summary>
/// A study expanded into cells (variants in order, each at every seed: index = variant * seeds + seed position), with
/// where their files go: run folders (weights, checkpoints) under <see cref="RunsDirectory"/>/&lt;key&gt;/, done markers
/// and small artefacts under <see cref="ResultsDirectory"/>/cells/&lt;key&gt;/, and the page in <see cref="ResultsDirectory"/>.
/// </summary>
public sealed class StudyPlan
{
    public Study Study { get; }
    /// <summary>The study file as given on the command line.</summary>
    public string StudyPath { get; }
    public string ResultsDirectory { get; }
    public string RunsDirectory { get; }
    public IReadOnlyList<StudyCell> Cells { get; }
    public DetectorSpec Detector { get; }
    /// <summary>
    /// What relative paths in the study (results, runs, autoencoder, dataset root, detector) are relative to: the
    /// checkout that holds the study file (the folder with Workbench.sln above it), else the current folder.
    /// </summary>
    public string BaseDirectory { get; }

    StudyPlan(Study study, string path)
    {
        Study = study;
        StudyPath = path;
        BaseDirectory = BaseOf(path);
        ResultsDirectory = Resolve(study.Results ?? Path.Combine("results", study.Name));
        RunsDirectory = Resolve(study.Runs ?? Path.Combine("runs", "studies", study.Name));
        var detector = DetectorSpec.Parse(study.Detector, path);
        Detector = detector.Path is null ? detector : detector with { Path = Resolve(detector.Path) };
        Cells = Expand(study, path, Detector, Resolve);
    }

    /// <summary>A path of the study as a full path (see <see cref="BaseDirectory"/>).</summary>
    public string Resolve(string relative) => Path.GetFullPath(Path.Combine(BaseDirectory, relative));

    static string BaseOf(string studyFile)
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(studyFile))!); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workbench.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    public static StudyPlan Load(string path, StudyOverrides? overrides = null) => new(StudyFile.Load(path, overrides), path);

    public static StudyPlan For(Study study, string path) => new(StudyFile.Check(study, path), path);

    /// <summary>The autoencoder weights a Motion or Components study names, as a full path.</summary>
    public string AutoencoderWeights => Resolve(Study.Autoencoder ?? throw new StudyException($"{StudyPath}: names no autoencoder weights"));

    public string RunFolder(StudyCell cell) => Path.Combine(RunsDirectory, cell.Key);
    public string CellFolder(StudyCell cell) => Path.Combine(ResultsDirectory, "cells", cell.Key);
    /// <summary>Beside the run folders of the studies (runs/studies/shared): what cells of several studies share.</summary>
    public string SharedFolder => Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(RunsDirectory)) ?? RunsDirectory, "shared");
    public string LogFolder => Path.Combine(RunsDirectory, "logs", Study.Name);

    /// <summary>The cell's done marker, or null while it is unfinished.</summary>
    public CellResult? Done(StudyCell cell) => CellResult.Read(CellFolder(cell));

    public StudyCell Cell(int index) => index >= 0 && index < Cells.Count ? Cells[index]
        : throw new StudyException($"{StudyPath}: no cell {index} (the study has cells 0..{Cells.Count - 1})");

    /// <summary>The variants after crossing the explicit rows with the grid, in order.</summary>
    public static IReadOnlyList<StudyVariant> Variants(Study s)
    {
        var rows = s.Variants.Length > 0 ? s.Variants.ToList() : [new StudyVariant { Name = "" }];
        foreach (var (setting, values) in s.Grid ?? [])
        {
            var dot = setting.IndexOf('.');
            var (model, name) = dot > 0 ? (setting[..dot].ToLowerInvariant(), setting[(dot + 1)..]) : ("", setting);
            if (model is not ("autoencoder" or "content" or "motion"))
                throw new StudyException($"grid setting '{setting}' must start with autoencoder., content. or motion.");
            rows = rows.SelectMany(v => values.Select(value => With(v, model, name, value))).ToList();
        }
        return rows;
    }

    public static IReadOnlyList<string> VariantNames(Study s) => Variants(s).Select(v => v.Name).ToList();

    static StudyVariant With(StudyVariant v, string model, string name, JsonElement value)
    {
        JsonObject Add(JsonObject? o) { var c = (JsonObject?)o?.DeepClone() ?? []; c[name] = JsonNode.Parse(value.GetRawText()); return c; }
        var label = $"{name}={value.GetRawText().Trim('"')}";
        return model switch
        {
            "autoencoder" => v with { Name = Join(v.Name, label), Autoencoder = Add(v.Autoencoder) },
            "content" => v with { Name = Join(v.Name, label), Content = Add(v.Content) },
            _ => v with { Name = Join(v.Name, label), Motion = Add(v.Motion) },
        };
    }

    static string Join(string a, string b) => a.Length == 0 ? b : $"{a} {b}";

    static List<StudyCell> Expand(Study s, string path, DetectorSpec detector, Func<string, string> resolve)
    {
        var variants = Variants(s);
        if (variants.Select(v => v.Name).Distinct().Count() != variants.Count)
            throw new StudyException($"{path}: variant names repeat after crossing with the grid");
        var cells = new List<StudyCell>();
        foreach (var v in variants)
            foreach (var seed in s.Seeds)
            {
                var config = Resolve(s, v, seed, detector, resolve, $"{path}: variant '{v.Name}'");
                cells.Add(new StudyCell(cells.Count, v.Name, seed, config, ConfigKey.Of(config)));
            }
        return cells;
    }

    static CellConfig Resolve(Study s, StudyVariant v, int seed, DetectorSpec detector, Func<string, string> resolve, string what)
    {
        var p = RunPresets.Named(s.Preset);
        var dataset = v.Dataset ?? s.Dataset;
        var (ae, source) = Autoencoder(s, p, v, dataset, resolve, what);
        dataset = dataset with { Channels = ae.Channels };
        bool diffusion = s.Kind is StudyKind.Motion or StudyKind.Components;
        var motion = diffusion ? Valid(() => ConfigChanges.Apply(p.Motion, v.Motion, what).For(ae).Validate(), what) : null;
        var content = s.Kind == StudyKind.Components
            ? Valid(() => ConfigChanges.Apply(p.ContentDiT, v.Content, what).For(ae).Validate(), what) : null;
        bool needsDetector = s.Metrics.Any(CellMetrics.NeedsDetector);
        return new CellConfig
        {
            Kind = s.Kind, Dataset = dataset, Autoencoder = ae, Content = content, Motion = motion,
            AutoencoderSteps = Or(s.Steps.Autoencoder, p.AutoencoderSteps),
            ContentSteps = content is null ? 0 : Or(s.Steps.Content, p.ContentSteps),
            MotionSteps = motion is null ? 0 : Or(s.Steps.Motion, p.MotionSteps),
            DiffusionBatch = diffusion ? p.DiffusionBatch : 0,
            Seed = seed,
            Pairs = diffusion ? (s.Pairs > 0 ? s.Pairs : p.Clips) : 0,
            EvaluationClips = s.EvaluationClips > 0 ? s.EvaluationClips : p.EvaluationClips,
            ContentSamplingSteps = content is null ? 0 : (s.ContentSamplingSteps > 0 ? s.ContentSamplingSteps : p.ContentSamplingSteps),
            MotionSamplingSteps = motion is null ? 0 : (s.MotionSamplingSteps > 0 ? s.MotionSamplingSteps : p.MotionSamplingSteps),
            CfgScale = content is null ? 0 : (s.CfgScale > 0 ? s.CfgScale : p.CfgScale),
            AutoencoderSource = source,
            Detector = needsDetector ? detector.Identity : "none",
        };
    }

    /// <summary>The cell's autoencoder config and where it comes from: trained in the cell, given weights, or shared.</summary>
    static (AutoencoderConfig Config, string Source) Autoencoder(Study s, RunPreset p, StudyVariant v, StudyDataset dataset,
        Func<string, string> resolve, string what)
    {
        if (s.Kind is StudyKind.Motion or StudyKind.Components && s.Autoencoder is string given)
        {
            var weights = resolve(given);
            if (v.Autoencoder is { Count: > 0 }) throw new StudyException($"{what}: autoencoder settings need a trained autoencoder, not the weights {given}");
            if (!File.Exists(weights)) throw new StudyException($"{what}: autoencoder weights {weights} do not exist");
            var config = ModelMetadata.ReadAutoencoderConfig(weights);
            if (dataset.Channels is int asked && asked != config.Channels) // never read RGB clips as grey (or back) unasked
                throw new StudyException($"{what}: the autoencoder weights {given} take {config.Channels}-channel clips, the dataset " +
                    $"asks for {asked} (--channels); give weights trained on it (--set autoencoder=<file>) or train one (--set autoencoder=null)");
            return (config, $"weights:{DetectorSpec.Sha256(weights)}");
        }
        var ae = p.Autoencoder;
        if (dataset.Channels is int c) ae = ae with { Channels = c };
        ae = Valid(() => ConfigChanges.Apply(ae, v.Autoencoder, what).Validate(), what);
        if (s.Kind is StudyKind.Autoencoder or StudyKind.ContentFrames) return (ae, "cell");
        return (ae, $"shared:{SharedKey(ae, dataset, Or(s.Steps.Autoencoder, p.AutoencoderSteps))}");
    }

    /// <summary>The key of the autoencoder a study trains once for all its cells (seed 0).</summary>
    public static string SharedKey(AutoencoderConfig ae, StudyDataset dataset, long steps) =>
        ConfigKey.Of(new { Autoencoder = ae, Dataset = dataset, Steps = steps, Seed = 0 });

    static long Or(long value, long preset) => value > 0 ? value : preset;

    static T Valid<T>(Func<T> make, string what)
    {
        try { return make(); }
        catch (ArgumentException e) { throw new StudyException($"{what}: {e.Message}"); }
    }
}
