using Cmd.IO;
using Cmd.Models.Autoencoder;
using Cmd.Presets;

namespace Workbench.Notebooks.Tests;

/// <summary>Where notebook runs write: committed pages only from a publish run at a named preset; training folders by config.</summary>
public class OutputLocationTests
{
    static string Repo => Run.RepositoryRoot();
    static string Notebook => Path.Combine(Repo, "notebooks", "04-autoencoder-ablation.ipynb");

    [Fact]
    public void A_run_without_publish_writes_the_git_ignored_local_folder()
    {
        Assert.Equal(Path.Combine(Repo, "results", "local", "04-autoencoder-ablation"), NotebookOutputs.Directory(Notebook, null));
        Assert.Equal(Path.Combine(Repo, "results", "04-autoencoder-ablation"), NotebookOutputs.Directory(Notebook, null, publish: true));
        var values = NotebookOutputs.WithResultsDir(Notebook, NotebookParameters.Parse(["preset=tiny"]), null);
        Assert.Equal(Path.Combine(Repo, "results", "local", "04-autoencoder-ablation"), values.Single(v => v.Key == "resultsDir").Value);
        Assert.DoesNotContain(values, v => v.Key == "publish");
        // git ignores it (and not the committed page)
        var ignored = Run.Program("git", ["-C", Repo, "check-ignore", "-q", "results/local/04-autoencoder-ablation/table4b.md"], TimeSpan.FromMinutes(1));
        Assert.Equal(0, ignored.ExitCode);
        var committed = Run.Program("git", ["-C", Repo, "check-ignore", "-q", "results/04-autoencoder-ablation/table4b.md"], TimeSpan.FromMinutes(1));
        Assert.Equal(1, committed.ExitCode);
    }

    [Fact]
    public void A_publish_run_sets_publish_and_the_committed_folder()
    {
        var values = NotebookOutputs.WithResultsDir(Notebook, NotebookParameters.Parse(["preset=demo"]), null, publishSwitch: true);
        Assert.Equal("true", values.Single(v => v.Key == "publish").Value);
        Assert.Equal(Path.Combine(Repo, "results", "04-autoencoder-ablation"), values.Single(v => v.Key == "resultsDir").Value);
        // -p publish=true is the same switch
        Assert.True(NotebookOutputs.Publishing(NotebookParameters.Parse(["publish=true"]), false));
    }

    [Fact]
    public void Publishing_at_tiny_is_refused_with_a_clear_message()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            NotebookOutputs.WithResultsDir(Notebook, NotebookParameters.Parse(["preset=tiny"]), null, publishSwitch: true));
        Assert.Contains("publish needs a named preset other than 'tiny'", e.Message);
        Assert.Throws<ArgumentException>(() => NotebookResults.Folder("x", Path.GetTempPath(), "tiny", publish: true));
        var cli = Run.Workbench("notebook", "run", Notebook, "--publish", "-p", "preset=tiny");
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("error: 04-autoencoder-ablation.ipynb: publish needs a named preset other than 'tiny'", cli.Stderr);
    }

    [Fact]
    public void Every_notebook_declares_publish_and_an_empty_resultsDir()
    {
        foreach (var nb in Directory.GetFiles(Path.Combine(Repo, "notebooks"), "*.ipynb"))
        {
            var parameters = NotebookFile.Read(nb).Elements.Single(e => NotebookFile.Tags(e).Contains(NotebookParameters.Tag)).Contents;
            Assert.Contains("bool publish = false;", parameters);
            Assert.Contains("string resultsDir = \"\";", parameters);
        }
    }

    [Fact]
    public void Training_folders_are_keyed_by_the_whole_config()
    {
        var results = Path.Combine(Path.GetTempPath(), "wb-nb-tests", "folders-" + Guid.NewGuid().ToString("N")[..8]);
        var ae = RunPresets.Named("tiny").Autoencoder;
        var a = TrainingFolders.PathOf(results, "autoencoder", TrainingFolders.AutoencoderRun(ae, seed: 0), steps: 3);
        Assert.Equal(a, TrainingFolders.PathOf(results, "autoencoder", TrainingFolders.AutoencoderRun(ae, seed: 0), steps: 3));
        Assert.NotEqual(a, TrainingFolders.PathOf(results, "autoencoder", TrainingFolders.AutoencoderRun(ae, seed: 7), steps: 3));
        Assert.NotEqual(a, TrainingFolders.PathOf(results, "autoencoder", TrainingFolders.AutoencoderRun(ae, seed: 0), steps: 2));
        Assert.NotEqual(a, TrainingFolders.PathOf(results, "autoencoder", TrainingFolders.AutoencoderRun(ae with { LatentChannels = 8 }, seed: 0), steps: 3));
        Assert.Matches("autoencoder-[0-9a-f]{12}$", a);

        var dir = TrainingFolders.For(results, "autoencoder", TrainingFolders.AutoencoderRun(ae, seed: 0), steps: 3);
        Assert.Equal(a, dir);
        Assert.Contains("\"LatentChannels\":4", File.ReadAllText(Path.Combine(dir, TrainingFolders.ConfigFile)));
        Assert.Equal((TrainingFolders.State.New, 0L), TrainingFolders.Inspect(dir, 3));
        Assert.StartsWith("no run with this config yet", TrainingFolders.Describe(dir, 3));
    }

    [Fact]
    public void A_folder_says_whether_the_run_resumes_or_is_reused()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wb-nb-tests", "state-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        using (var model = new CmdAutoencoder(RunPresets.Named("tiny").Autoencoder))
            Cmd.Training.TrainingCheckpoint.Save(Path.Combine(dir, Cmd.Training.TrainingCheckpoint.FileName), model, null, step: 2);
        Assert.Equal((TrainingFolders.State.Resumable, 2L), TrainingFolders.Inspect(dir, 3));
        Assert.Equal("resumes its own run at step 2 of 3", TrainingFolders.Describe(dir, 3));
        Assert.Equal((TrainingFolders.State.Finished, 2L), TrainingFolders.Inspect(dir, 2));
        Assert.StartsWith("reuses its finished run", TrainingFolders.Describe(dir, 2));
    }

    [Fact]
    public void A_given_weights_file_is_keyed_by_its_place_size_and_time()
    {
        var file = Path.Combine(Path.GetTempPath(), "wb-nb-tests", "w-" + Guid.NewGuid().ToString("N")[..8] + ".safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "x");
        var before = ConfigKey.Of(TrainingFolders.FileKey(file));
        File.WriteAllText(file, "xy");
        Assert.NotEqual(before, ConfigKey.Of(TrainingFolders.FileKey(file)));
        Assert.Throws<FileNotFoundException>(() => TrainingFolders.FileKey(file + ".missing"));
    }
}
