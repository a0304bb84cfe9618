using Cmd.Data;

namespace Workbench.Notebooks;

/// <summary>
/// Where a notebook writes its tables and charts. Only an explicit publish run at a named preset other than
/// <c>tiny</c> writes the committed page <c>results/&lt;notebook&gt;/</c>; every other run (a smoke run at tiny, a run
/// opened in Jupyter, `make notebooks`) writes <c>results/local/&lt;notebook&gt;/</c>, which git ignores.
/// </summary>
public static class NotebookResults
{
    /// <summary>The git-ignored folder under results/ for runs that do not publish.</summary>
    public const string LocalFolder = "local";

    /// <summary>The preset that only checks the pipeline: its numbers are never published.</summary>
    public const string SmokePreset = "tiny";

    /// <summary>
    /// The notebook's results folder, created: <paramref name="resultsDir"/> when given (the runner gives it), else
    /// <see cref="Default"/> of the checkout. Says which kind of run this is. A publish run at tiny is refused.
    /// </summary>
    public static string Folder(string notebook, string resultsDir, string preset, bool publish)
    {
        CheckPublish(preset, publish, notebook);
        var dir = Path.GetFullPath(string.IsNullOrEmpty(resultsDir) ? Default(RepoData.Root, notebook, publish) : resultsDir);
        Directory.CreateDirectory(dir);
        Console.WriteLine($"results: {dir} " + (publish
            ? $"(publish run at preset '{preset}': the committed page)"
            : "(not published: set publish = true, or `workbench notebook run --publish`, at a named preset to write results/<notebook>/)"));
        return dir;
    }

    /// <summary>results/&lt;notebook&gt;/ of the checkout for a publish run, results/local/&lt;notebook&gt;/ otherwise.</summary>
    public static string Default(string repository, string notebook, bool publish) =>
        publish ? Path.Combine(repository, "results", notebook) : Path.Combine(repository, "results", LocalFolder, notebook);

    /// <summary>Throws when a publish run asks for the smoke preset.</summary>
    public static void CheckPublish(string preset, bool publish, string notebook)
    {
        if (publish && string.Equals(preset, SmokePreset, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{notebook}: publish needs a named preset other than '{SmokePreset}' (tiny only checks the pipeline); " +
                                        "run without publish, or with -p preset=demo|small");
    }
}
