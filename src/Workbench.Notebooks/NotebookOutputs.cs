namespace Workbench.Notebooks;

/// <summary>Where a notebook's results go, and the `resultsDir` / `publish` parameters that point the notebook there.</summary>
public static class NotebookOutputs
{
    public const string ResultsDirParameter = "resultsDir";
    public const string PublishParameter = "publish";

    /// <summary>
    /// &lt;output&gt;/&lt;notebook name&gt;/ when an output folder is given; otherwise, for a notebook in a folder named
    /// notebooks/, the repository's results/&lt;notebook name&gt;/ when publishing and results/local/&lt;notebook name&gt;/
    /// (git-ignored) when not (<see cref="NotebookResults.Default"/>); else the same beside the notebook.
    /// </summary>
    public static string Directory(string notebook, string? output, bool publish = false)
    {
        var full = Path.GetFullPath(notebook);
        var name = Path.GetFileNameWithoutExtension(full);
        if (output is not null) return Path.Combine(Path.GetFullPath(output), name);
        var dir = Path.GetDirectoryName(full)!;
        var root = Path.GetFileName(dir) == "notebooks" ? Path.GetDirectoryName(dir)! : dir;
        return NotebookResults.Default(root, name, publish);
    }

    /// <summary>A publish run: the --publish switch or `-p publish=true`.</summary>
    public static bool Publishing(IReadOnlyList<KeyValuePair<string, string>> values, bool publishSwitch) =>
        publishSwitch || values.Any(v => v.Key == PublishParameter && bool.TryParse(v.Value, out var b) && b);

    /// <summary>
    /// Adds resultsDir=&lt;output folder&gt; when the notebook declares it and the caller did not set it, and
    /// publish=true for a publish run (which the notebook must declare; at the tiny preset it is refused).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> WithResultsDir(string notebook, IReadOnlyList<KeyValuePair<string, string>> values,
        string? output, bool publishSwitch = false)
    {
        var name = Path.GetFileName(notebook);
        var publish = Publishing(values, publishSwitch);
        var document = NotebookFile.Read(notebook);
        var parameters = document.Elements.FirstOrDefault(e => NotebookFile.Tags(e).Contains(NotebookParameters.Tag));
        var declared = parameters is null ? new Dictionary<string, string>() : NotebookParameters.Declared(parameters.Contents);
        var result = values.ToList();
        if (publish)
        {
            if (!declared.ContainsKey(PublishParameter))
                throw new ArgumentException($"{name}: --publish given but the notebook has no '{PublishParameter}' parameter");
            if (values.LastOrDefault(v => v.Key == "preset") is { Key: not null } preset) NotebookResults.CheckPublish(preset.Value, true, name);
            if (!values.Any(v => v.Key == PublishParameter)) result.Add(new(PublishParameter, "true"));
        }
        if (!values.Any(v => v.Key == ResultsDirParameter) && declared.ContainsKey(ResultsDirParameter))
            result.Add(new(ResultsDirParameter, Directory(notebook, output, publish)));
        return result;
    }
}

/// <summary>A notebook stopped at a failing cell (the message names the notebook, the cell, its line and the error).</summary>
public sealed class NotebookFailedException(string message) : Exception(message);
