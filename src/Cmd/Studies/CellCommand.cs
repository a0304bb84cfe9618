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

    /// <summary>Options whose value is a path as the user's shell saw it (relative to the current folder).</summary>
    static readonly string[] PathOptions = ["--results", "--runs", "--root"];

    /// <summary>
    /// The commands as typed from <paramref name="checkout"/> (the page's commands run from the checkout root): the study
    /// file and the paths of --results, --runs, --root and of a --set value relative to it when they lie inside it.
    /// </summary>
    public CellCommand RelativeTo(string checkout)
    {
        string Inside(string full, string given) =>
            full.StartsWith(checkout + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? Path.GetRelativePath(checkout, full) : given;
        var args = StudyArguments.ToList();
        for (int i = 0; i + 1 < args.Count; i++)
        {
            var value = args[i + 1];
            if (PathOptions.Contains(args[i])) args[++i] = Inside(Path.GetFullPath(value), value);
            else if (args[i] == "--set" && value.IndexOf('=') is var eq and > 0 && Path.IsPathRooted(value[(eq + 1)..]))
                args[++i] = value[..(eq + 1)] + Inside(Path.GetFullPath(value[(eq + 1)..]), value[(eq + 1)..]); // resolved from the checkout
        }
        return this with { Study = Inside(Path.GetFullPath(Study), Study), StudyArguments = args };
    }

    /// <summary>
    /// The commands a reader of the page runs in their clone, from its root: <see cref="RelativeTo"/> without --runs.
    /// Where this machine kept the run folders (weights, checkpoints) is no part of the study, a clone has its own
    /// (the study's default, runs/studies/&lt;study&gt;), and collecting needs only the done markers.
    /// </summary>
    public CellCommand ForPage(string checkout)
    {
        var relative = RelativeTo(checkout);
        var args = new List<string>();
        for (int i = 0; i < relative.StudyArguments.Count; i++)
            if (relative.StudyArguments[i] == "--runs" && i + 1 < relative.StudyArguments.Count) i++;
            else args.Add(relative.StudyArguments[i]);
        return relative with { StudyArguments = args };
    }

    /// <summary>
    /// The command a user types to run the study again (for the page and the notebooks); locally with --jobs and
    /// --threads spelled out, by default what a 2-core laptop runs (<see cref="LocalBackend.LaptopJobs"/>).
    /// </summary>
    public string RunLine(string backend, int jobs = LocalBackend.LaptopJobs, int threads = LocalBackend.LaptopThreads) =>
        Line(["workbench", "sweep", "run", Study, .. StudyArguments, "--backend", backend,
            .. backend == "local" ? LocalBackend.Arguments(jobs, threads) : []]);

    public string CollectLine() => Line(["workbench", "sweep", "collect", Study, .. StudyArguments]);

    static string Line(IEnumerable<string> words) => string.Join(" ", words.Select(Quote));

    /// <summary>A word quoted for bash when it needs it.</summary>
    public static string Quote(string s) =>
        s.Length > 0 && s.All(ch => char.IsLetterOrDigit(ch) || "-_./=:,+@%".Contains(ch)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}
