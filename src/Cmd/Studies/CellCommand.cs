namespace Cmd.Studies;

/// <summary>
/// How a backend starts `workbench sweep cell` (local child processes, Slurm tasks) and `workbench sweep collect`:
/// the program and its leading arguments (e.g. dotnet /path/workbench.dll --device cuda), the study file as the user
/// named it, and the arguments that changed the study (--dataset, --root, --set ...), passed on unchanged.
/// </summary>
public sealed record CellCommand(IReadOnlyList<string> Program, string Study, IReadOnlyList<string> StudyArguments)
{
    public IReadOnlyList<string> Cell(string index, params string[] more) =>
        [.. Program, "sweep", "cell", Study, index, .. StudyArguments, .. more];

    public IReadOnlyList<string> Collect() => [.. Program, "sweep", "collect", Study, .. StudyArguments];

    /// <summary>The study file as typed from <paramref name="checkout"/> (the page's commands run from the checkout root).</summary>
    public CellCommand RelativeTo(string checkout)
    {
        var full = Path.GetFullPath(Study);
        return full.StartsWith(checkout + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? this with { Study = Path.GetRelativePath(checkout, full) } : this;
    }

    /// <summary>The command a user types to run the study again (for the page).</summary>
    public string RunLine(string backend) =>
        string.Join(" ", new[] { "workbench", "sweep", "run", Study }.Concat(StudyArguments).Concat(["--backend", backend]).Select(Quote));

    public string CollectLine() => string.Join(" ", new[] { "workbench", "sweep", "collect", Study }.Concat(StudyArguments).Select(Quote));

    /// <summary>A word quoted for bash when it needs it.</summary>
    public static string Quote(string s) =>
        s.Length > 0 && s.All(ch => char.IsLetterOrDigit(ch) || "-_./=:,+@%".Contains(ch)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}
