using Cmd.Fuzzing;

namespace Workbench.Notebooks.Tests;

/// <summary>Issue 17: the .ipynb reader under generated hostile inputs, and a notebook whose process ends without an error.</summary>
public class HardeningTests
{
    [Fact]
    public void The_ipynb_reader_reads_or_refuses_400_hostile_notebooks_with_the_file_named()
    {
        using var target = new NotebookFuzzTarget();
        var dir = Path.Combine(Path.GetTempPath(), "wb-nb-fuzz", Guid.NewGuid().ToString("N")[..8]);
        var report = FuzzRunner.Run(target, dir, 400, seed: 5, TimeSpan.FromMinutes(5)); // a hang guard, not a speed limit
        Assert.True(report.Faults == 0, string.Join("\n", report.Lines()));
        Assert.True(report[FuzzOutcome.CleanRejection] > 100, string.Join("\n", report.Lines()));
    }

    [Theory]
    [InlineData("""{ "\ud800": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5 }""")]
    [InlineData("""{ "cells": [], "metadata": {}, "\ud800": 4, "nbformat_minor": 5 }""")]
    [InlineData("""{ "cells": [], "metadata": {}, "nbformat": "\ud800", "nbformat_minor": 5 }""")]
    public void A_lone_surrogate_escape_found_by_the_fuzzer_is_not_a_notebook_naming_the_file(string json)
    {
        var dir = Path.Combine(Path.GetTempPath(), "wb-nb-tests", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var nb = Path.Combine(dir, "surrogate.ipynb");
        File.WriteAllText(nb, json);
        var e = Assert.Throws<InvalidDataException>(() => NotebookFile.Read(nb));
        Assert.Contains(nb, e.Message);
    }

    [Fact]
    public void Null_or_non_string_tags_found_by_the_fuzzer_are_no_tags_not_a_crash()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wb-nb-tests", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var nb = Path.Combine(dir, "tags.ipynb");
        File.WriteAllText(nb, """
            { "cells": [ { "cell_type": "code", "execution_count": null, "metadata": { "tags": [null, 3, "parameters"] }, "outputs": [], "source": "var x = 1;" } ],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5 }
            """);
        var cell = Assert.Single(NotebookFile.Read(nb).Elements);
        Assert.Contains("parameters", NotebookFile.Tags(cell));
    }

    [Fact]
    public void A_cell_that_calls_Environment_Exit_is_named_with_its_exit_code()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wb-nb-tests", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var nb = Path.Combine(dir, "exits.ipynb");
        File.WriteAllText(nb, """
            { "cells": [
                { "cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": "var x = 1;" },
                { "cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": "Environment.Exit(7);" } ],
              "metadata": { "kernelspec": { "display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp" } },
              "nbformat": 4, "nbformat_minor": 5 }
            """);
        var result = Run.Workbench("notebook", "run", nb, "--output", dir, "--timeout", "300");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("exited with code 7", result.Stderr);
        Assert.Contains("Environment.Exit(7)", result.Stderr);
        Assert.Contains("while running cell 2", result.Stderr);
        Assert.Contains("1 of 1 notebook(s) failed: exits.ipynb (the notebook's process exited with code 7", result.Stderr);
    }
}
