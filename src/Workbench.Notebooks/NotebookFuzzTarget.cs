using System.Text;
using Cmd.Fuzzing;

namespace Workbench.Notebooks;

/// <summary>
/// The .ipynb reader (<see cref="NotebookFile.Read"/>) under fuzzing: a small nbformat-4 notebook (markdown, a tagged
/// parameters cell, a code cell with outputs) mutated in its JSON tokens and bytes. An accepted edit is another valid
/// notebook; a refusal must be an error naming the file; nothing may crash or hang.
/// </summary>
public sealed class NotebookFuzzTarget : IFuzzTarget
{
    const string FileName = "input.ipynb";
    const string Seed = """
        {
         "cells": [
          { "cell_type": "markdown", "id": "intro", "metadata": {}, "source": ["# Fuzz seed\n", "A *notebook* with two code cells."] },
          { "cell_type": "code", "execution_count": null, "id": "params", "metadata": { "tags": ["parameters"] },
            "outputs": [], "source": ["var preset = \"tiny\";\n", "var steps = 20;"] },
          { "cell_type": "code", "execution_count": 3, "id": "work", "metadata": { "dotnet_interactive": { "language": "csharp" } },
            "outputs": [ { "output_type": "stream", "name": "stdout", "text": ["hello\n"] },
                         { "output_type": "execute_result", "execution_count": 3, "data": { "text/plain": ["42"] }, "metadata": {} } ],
            "source": ["Console.WriteLine(\"hello\");\n", "6 * 7"] }
         ],
         "metadata": { "kernelspec": { "display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp" },
                       "language_info": { "name": "C#" } },
         "nbformat": 4, "nbformat_minor": 5
        }
        """;
    string seedSignature = "";

    public string Name => "ipynb";
    public string Description => "the .ipynb reader (nbformat 4 JSON through Microsoft.DotNet.Interactive.Documents)";
    public bool TextFormat => true;

    public void Prepare(string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        var path = Path.Combine(workDirectory, "seed.ipynb");
        File.WriteAllText(path, Seed);
        seedSignature = Signature(path);
    }

    static string Signature(string path) =>
        string.Join("\u0001", NotebookFile.Read(path).Elements.Select(e => $"{e.KernelName}\u0002{e.Contents}\u0002{string.Join(",", NotebookFile.Tags(e))}"));

    public FuzzInput Generate(Random r)
    {
        if (r.Next(10) < 7)
        {
            var (text, what) = Mutations.Json(Seed, r);
            if (r.Next(3) == 0) (text, what) = (Mutations.Json(text, r).Text, what + "; another token");
            return new FuzzInput(new Dictionary<string, byte[]> { [FileName] = Encoding.UTF8.GetBytes(text) }, what);
        }
        var (bytes, raw) = Mutations.Raw(Encoding.UTF8.GetBytes(Seed), r);
        return new FuzzInput(new Dictionary<string, byte[]> { [FileName] = bytes }, raw);
    }

    public (FuzzOutcome Outcome, string? Detail) Run(string inputDirectory)
    {
        string path = Path.Combine(inputDirectory, FileName);
        string signature;
        try { signature = Signature(path); }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException && FuzzRunner.NamesFileIn(e, inputDirectory))
        {
            return (FuzzOutcome.CleanRejection, null);
        }
        return signature == seedSignature ? (FuzzOutcome.AcceptedIdentical, null) : (FuzzOutcome.AcceptedDifferent, null);
    }

    public void Dispose() { }
}
