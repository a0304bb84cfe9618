using System.Text.RegularExpressions;

namespace Cmd.Evaluation;

/// <summary>
/// Weights kept during one training (run-ema-4000.safetensors, ...), put in step order for a curve against training
/// step (<see cref="MotionCurve"/>, <see cref="ContentCurve"/>).
/// </summary>
public static partial class Snapshots
{
    /// <summary>The training step in a snapshot's file name: its last run of digits (run-ema-4000.safetensors:
    /// 4000).</summary>
    public static long StepOf(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var digits = Digits().Matches(name);
        if (digits.Count == 0)
            throw new ArgumentException(
                $"{path}: no training step in the file name (name snapshots like run-ema-4000.safetensors)");
        return long.Parse(digits[^1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The snapshots by step; none, two at one step or a missing file is a clear error before any scoring.
    /// </summary>
    /// <param name="model">What the snapshots are of, for the messages ("motion DiT").</param>
    public static IReadOnlyList<(long Step, string Path)> ByStep(IReadOnlyList<string> snapshots, string model)
    {
        if (snapshots.Count == 0) throw new ArgumentException($"--snapshots: give at least one {model} snapshot");
        var byStep = snapshots.Select(p => (Step: StepOf(p), Path: p)).OrderBy(s => s.Step).ToList();
        if (byStep.GroupBy(s => s.Step).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException(
                $"two snapshots at step {twice.Key}: {string.Join(", ", twice.Select(s => s.Path))}");
        foreach (var (_, path) in byStep)
            if (!File.Exists(path) && !Directory.Exists(path))
                throw new FileNotFoundException($"{path}: no such snapshot", path);
        return byStep;
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}
