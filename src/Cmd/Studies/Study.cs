using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Cmd.Studies;

/// <summary>What a study measures; each kind is one cell runner (<see cref="CellRunner"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StudyKind>))]
public enum StudyKind
{
    /// <summary>Table 4b: one autoencoder per cell, scored on held-out clips (R-FVD, PSNR, SSIM).</summary>
    Autoencoder,
    /// <summary>Table 4c: one motion DiT per cell on a shared autoencoder, FVD of motion predicted from real content frames.</summary>
    Motion,
    /// <summary>Table 4a: content and motion DiTs per cell on a shared autoencoder; FVD of each component.</summary>
    Components,
    /// <summary>Figure 7: one autoencoder per cell; its content frames beside their videos.</summary>
    ContentFrames,
}

/// <summary>
/// A study as data (studies/*.json): a dataset, a preset, variants of it (explicit rows and/or a grid), seeds, step
/// counts, the metrics to collect and the paper's table with its orderings. <see cref="StudyPlan"/> expands it into
/// cells (variant x seed), each a run folder named by <see cref="Cmd.IO.ConfigKey"/> of its resolved config.
/// </summary>
public sealed record Study
{
    public required string Name { get; init; }
    public string Title { get; init; } = "";
    public required StudyKind Kind { get; init; }
    public StudyDataset Dataset { get; init; } = new();
    /// <summary>A <see cref="Cmd.Presets.RunPresets"/> name: the models, clip shape and default numbers.</summary>
    public string Preset { get; init; } = "small";
    public int[] Seeds { get; init; } = [0, 1, 2];
    public StudySteps Steps { get; init; } = new();
    /// <summary>Held-out clips per evaluation set; 0 = the preset's EvaluationClips.</summary>
    public int EvaluationClips { get; init; }
    /// <summary>Training clips encoded into (content frame, z) pairs for the diffusion models; 0 = the preset's Clips.</summary>
    public int Pairs { get; init; }
    /// <summary>DDIM steps and guidance; 0 = the preset's.</summary>
    public int ContentSamplingSteps { get; init; }
    public int MotionSamplingSteps { get; init; }
    public double CfgScale { get; init; }
    /// <summary>Motion and Components studies: the autoencoder's weights file; null = one trained (shared by all cells, seed 0).</summary>
    public string? Autoencoder { get; init; }
    /// <summary>"fvd-local" (the shipped Moving MNIST detector), "fvd-local:&lt;weights&gt;" or "i3d:&lt;StyleGAN-V torchscript&gt;".</summary>
    public string Detector { get; init; } = "fvd-local";
    public string[] Metrics { get; init; } = [];
    public StudyVariant[] Variants { get; init; } = [];
    /// <summary>Cartesian product of settings, e.g. {"autoencoder.LatentChannels": [16, 8]}; crossed with <see cref="Variants"/>.</summary>
    public Dictionary<string, JsonElement[]>? Grid { get; init; }
    public PaperTable? Paper { get; init; }
    public SlurmSettings Slurm { get; init; } = new();
    /// <summary>Where the page and the cells' done markers go; null = results/&lt;name&gt;.</summary>
    public string? Results { get; init; }
    /// <summary>Where the cells' run folders (weights, checkpoints) go; null = runs/studies/&lt;name&gt;.</summary>
    public string? Runs { get; init; }
    /// <summary>Sentences for the page under the table: what is measured and how it differs from the paper.</summary>
    public string[] Notes { get; init; } = [];
}

public sealed record StudyDataset
{
    /// <summary>A <see cref="Cmd.Data.VideoDatasets"/> name: mmnist, opencv, ucf101, webvid, folder.</summary>
    public string Name { get; init; } = "mmnist";
    /// <summary>Folder of ucf101, webvid, folder datasets (relative paths are from the study's working folder).</summary>
    public string? Root { get; init; }
    /// <summary>Channels of a frame (1 grey, 3 RGB); null = the preset autoencoder's.</summary>
    public int? Channels { get; init; }
    /// <summary>Moving MNIST: training clips generated (video datasets use all their clips).</summary>
    public int Clips { get; init; } = 20_000;
    public int UcfSplit { get; init; } = 1;
}

/// <summary>Training steps per model; 0 = the preset's.</summary>
public sealed record StudySteps
{
    public long Autoencoder { get; init; }
    public long Content { get; init; }
    public long Motion { get; init; }
}

/// <summary>One row of the study: settings changed from the preset (JSON objects of config property names).</summary>
public sealed record StudyVariant
{
    public required string Name { get; init; }
    public JsonObject? Autoencoder { get; init; }
    public JsonObject? Content { get; init; }
    public JsonObject? Motion { get; init; }
    /// <summary>Another dataset for this variant (Figure 7: Moving MNIST and real videos).</summary>
    public StudyDataset? Dataset { get; init; }
}

/// <summary>The paper's table: its rows (with its numbers) mapped to our variant and metric, and the orderings it claims.</summary>
public sealed record PaperTable
{
    /// <summary>e.g. "Table 4b, R-FVD on WebVid-10M (I3D)".</summary>
    public string Source { get; init; } = "";
    /// <summary>Column header of the paper's value, e.g. "R-FVD".</summary>
    public string Value { get; init; } = "";
    public PaperRow[] Rows { get; init; } = [];
    public PaperOrdering[] Orderings { get; init; } = [];
}

public sealed record PaperRow
{
    public required string Label { get; init; }
    public required string Variant { get; init; }
    public required string Metric { get; init; }
    public double? Paper { get; init; }
}

/// <summary>The paper's claim that row <see cref="Less"/> has a lower value than row <see cref="Greater"/>.</summary>
public sealed record PaperOrdering
{
    public required string Less { get; init; }
    public required string Greater { get; init; }
    /// <summary>How the page names it, e.g. "D=16 < D=8"; default "Less < Greater".</summary>
    public string? Text { get; init; }
}

/// <summary>sbatch settings of the study; the CLI's options override them.</summary>
public sealed record SlurmSettings
{
    public string? Partition { get; init; }
    public string Time { get; init; } = "04:00:00";
    public int CpusPerTask { get; init; } = 2;
    public string? Gres { get; init; }
    public string? Memory { get; init; }
    /// <summary>Extra lines, each written as `#SBATCH &lt;line&gt;` (e.g. "--account=vision", "--qos=normal").</summary>
    public string[] Extra { get; init; } = [];
}
