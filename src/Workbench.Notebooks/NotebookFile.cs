using System.Text.Json.Nodes;
using System.Text.Json;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Documents;

namespace Workbench.Notebooks;

/// <summary>Reads and writes .ipynb files with Microsoft.DotNet.Interactive.Documents (nbformat 4, kernelspec .net-csharp).</summary>
public static class NotebookFile
{
    public static KernelInfoCollection KernelInfos()
    {
        var infos = new KernelInfoCollection
        {
            new("csharp", "C#", ["c#", "C#", "cs"]),
            new("fsharp", "F#", ["f#", "F#", "fs"]),
            new("pwsh", "PowerShell", ["powershell"]),
            new("javascript", "JavaScript", ["js"]),
            new("html", "HTML"),
            new("markdown", "Markdown", ["md"]),
        };
        infos.DefaultKernelName = "csharp";
        return infos;
    }

    /// <summary>Parses a notebook; a file that is not notebook JSON gives an error naming the file.</summary>
    public static InteractiveDocument Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"notebook not found: {path}");
        var json = File.ReadAllText(path);
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException e) { throw new InvalidDataException($"{path} is not a notebook (invalid JSON: {e.Message})"); }
        // JsonObject builds its dictionary on first access, so a key given twice (ArgumentException) or a key that is a
        // lone surrogate escape such as "\ud800" (InvalidOperationException) fails there, not in Parse
        try { CheckFormat(node, path); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is not a notebook (invalid JSON: {e.Message})");
        }
        try { return Notebook.Parse(json, KernelInfos()); }
        catch (Exception e) { throw new InvalidDataException($"{path} is not a valid .ipynb notebook: {e.Message}"); }
    }

    /// <summary>
    /// Refuses what is not an nbformat 4 notebook (the document model reads only version 4: an nbformat 3 file would
    /// parse as a notebook without cells), naming the version and the command that converts it.
    /// </summary>
    static void CheckFormat(JsonNode? node, string path)
    {
        if (node is not JsonObject notebook || notebook["cells"] is null && notebook["worksheets"] is null)
            throw new InvalidDataException($"{path} is not a notebook (no cells)");
        var version = notebook["nbformat"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : (int?)null;
        if (version == 4) return;
        throw new InvalidDataException($"{path} is nbformat {version?.ToString() ?? "(none)"}; the runner reads nbformat 4: convert it with " +
                                       $"`jupyter nbconvert --to notebook --nbformat 4 --output <new.ipynb> {Path.GetFileName(path)}`");
    }

    /// <summary>The notebook as nbformat 4 JSON with the .NET Interactive C# kernelspec.</summary>
    public static string ToJson(InteractiveDocument document)
    {
        // ToJupyterJson adds its kernel list to the document's metadata and refuses to add it twice: start fresh.
        document.Metadata.Remove("polyglot_notebook");
        var json = JsonNode.Parse(Notebook.ToJupyterJson(document, "csharp"))!.AsObject();
        var metadata = json["metadata"] as JsonObject ?? new JsonObject();
        json["metadata"] = metadata;
        // nbformat 4.5 wants a unique id on every cell: keep the notebook's own, number the rest.
        json["nbformat"] = 4;
        json["nbformat_minor"] = 5;
        if (json["cells"] is JsonArray cells)
        {
            var used = new HashSet<string>();
            for (var i = 0; i < cells.Count; i++)
            {
                if (cells[i] is not JsonObject cell) continue;
                var id = i < document.Elements.Count && IsValidId(document.Elements[i].Id) ? document.Elements[i].Id : null;
                id ??= NotebookFile.Tags(document.Elements[i]).Contains(NotebookParameters.InjectedTag) ? "injected-parameters" : $"cell-{i + 1}";
                while (!used.Add(id)) id += "-x";
                cell["id"] = id;
            }
        }
        metadata["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" };
        metadata["language_info"] = new JsonObject { ["name"] = "C#", ["file_extension"] = ".cs", ["mimetype"] = "text/x-csharp", ["pygments_lexer"] = "csharp", ["version"] = "13.0" };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    static bool IsValidId(string? id) => !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Writes atomically (a half-written notebook never replaces a good one).</summary>
    public static void Write(InteractiveDocument document, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, ToJson(document));
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Cell tags (papermill's <c>metadata.tags</c>) as kept by the document model.</summary>
    public static IReadOnlyList<string> Tags(InteractiveDocumentElement element)
    {
        if (element.Metadata is null || !element.Metadata.TryGetValue("tags", out var tags) || tags is null) return [];
        return tags switch
        {
            // a hostile file may hold null or non-string tags: they are no tags
            IEnumerable<string?> s => s.OfType<string>().ToList(),
            JsonElement { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList(),
            System.Collections.IEnumerable e and not string => e.Cast<object?>().OfType<object>().Select(x => x.ToString() ?? "").ToList(),
            _ => [],
        };
    }
}
