using System.Globalization;

namespace Cmd.Studies;

/// <summary>
/// Changes to a study from the command line: another dataset (`--dataset ucf101 --root /data/UCF-101 --channels 3`),
/// preset, seeds, or any field (`--set steps.autoencoder=20000`). An overridden study is another study: its name gets
/// a suffix, so its results never land on the committed page of the original.
/// </summary>
public sealed record StudyOverrides
{
    public string? Dataset { get; init; }
    public string? Root { get; init; }
    public int? Channels { get; init; }
    public string? Preset { get; init; }
    public int[]? Seeds { get; init; }
    /// <summary>"path=value" with a dotted path into the study JSON; value is JSON (a number, true, [1,2]) or a plain string.</summary>
    public IReadOnlyList<string> Set { get; init; } = [];
    public string? Results { get; init; }
    public string? Runs { get; init; }

    /// <summary>Whether anything changes the study itself (another folder for its results alone does not).</summary>
    public bool ChangesStudy =>
        Dataset is not null || Root is not null || Channels is not null || Preset is not null || Seeds is not null || Set.Count > 0;

    /// <summary>
    /// <paramref name="study"/> at another preset with that preset's own numbers instead of the study's: its step counts,
    /// held-out clips, training pairs and sampler settings, and an autoencoder trained for it (given weights belong to the
    /// study's preset). A quick look at tiny or demo sizes; the variants, metrics and paper table stay.
    /// </summary>
    public static StudyOverrides AtPreset(Study study, string preset)
    {
        var set = new List<string>();
        void Reset(bool given, string path) { if (given) set.Add($"{path}=0"); }
        Reset(study.Steps.Autoencoder > 0, "steps.autoencoder");
        Reset(study.Steps.Content > 0, "steps.content");
        Reset(study.Steps.Motion > 0, "steps.motion");
        Reset(study.EvaluationClips > 0, "evaluationClips");
        Reset(study.Pairs > 0, "pairs");
        Reset(study.ContentSamplingSteps > 0, "contentSamplingSteps");
        Reset(study.MotionSamplingSteps > 0, "motionSamplingSteps");
        Reset(study.CfgScale > 0, "cfgScale");
        if (study.Autoencoder is not null) set.Add("autoencoder=null");
        return new StudyOverrides { Preset = preset, Set = set };
    }

    /// <summary>The `workbench sweep` options that make these overrides, in the order the CLI documents them.</summary>
    public IReadOnlyList<string> Arguments()
    {
        var args = new List<string>();
        void Add(string name, string? value) { if (value is not null) { args.Add(name); args.Add(value); } }
        Add("--dataset", Dataset);
        Add("--root", Root);
        Add("--channels", Channels?.ToString(CultureInfo.InvariantCulture));
        Add("--preset", Preset);
        Add("--seeds", Seeds is null ? null : string.Join(",", Seeds));
        foreach (var s in Set) Add("--set", s);
        Add("--results", Results);
        Add("--runs", Runs);
        return args;
    }

    /// <summary>Seeds as the command line gives them: "0,1,2".</summary>
    public static int[] ParseSeeds(string text, string what = "--seeds")
    {
        var seeds = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => int.TryParse(x, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
                : throw new StudyException($"{what}: '{x}' is not an integer (e.g. {what} 0,1,2)")).ToArray();
        return seeds.Length > 0 ? seeds : throw new StudyException($"{what}: no seeds in '{text}' (e.g. {what} 0,1,2)");
    }
}
