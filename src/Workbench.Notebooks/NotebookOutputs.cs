namespace Workbench.Notebooks;

/// <summary>Where a notebook's results go, and the `resultsDir` parameter that points the notebook there.</summary>
public static class NotebookOutputs
{
    public const string ResultsDirParameter = "resultsDir";

    /// <summary>
    /// &lt;output&gt;/&lt;notebook name&gt;/ when an output folder is given; otherwise results/&lt;notebook name&gt;/
    /// of the repository (for a notebook in a folder named notebooks/), else results/&lt;notebook name&gt;/ beside it.
    /// </summary>
    public static string Directory(string notebook, string? output)
    {
        var full = Path.GetFullPath(notebook);
        var name = Path.GetFileNameWithoutExtension(full);
        if (output is not null) return Path.Combine(Path.GetFullPath(output), name);
        var dir = Path.GetDirectoryName(full)!;
        var root = Path.GetFileName(dir) == "notebooks" ? Path.GetDirectoryName(dir)! : dir;
        return Path.Combine(root, "results", name);
    }

    /// <summary>Adds resultsDir=&lt;output folder&gt; when the notebook declares it and the caller did not set it.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> WithResultsDir(string notebook, IReadOnlyList<KeyValuePair<string, string>> values, string? output)
    {
        if (values.Any(v => v.Key == ResultsDirParameter)) return values;
        var document = NotebookFile.Read(notebook);
        var parameters = document.Elements.FirstOrDefault(e => NotebookFile.Tags(e).Contains(NotebookParameters.Tag));
        if (parameters is null || !NotebookParameters.Declared(parameters.Contents).ContainsKey(ResultsDirParameter)) return values;
        return [.. values, new(ResultsDirParameter, Directory(notebook, output))];
    }
}

/// <summary>A notebook stopped at a failing cell (the message names the notebook, the cell, its line and the error).</summary>
public sealed class NotebookFailedException(string message) : Exception(message);
