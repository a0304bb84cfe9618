using Cmd.Data;
using Cmd.Studies;

namespace Cmd.Tests.Studies;

/// <summary>The committed studies load and expand; bad study files are one-line errors naming the file; overrides rename.</summary>
public class StudyFileTests
{
    static string Studies => Path.Combine(RepoData.Root, "studies");

    [Theory]
    [InlineData("table4a", 1)]
    [InlineData("table4b", 4)]
    [InlineData("table4c", 3)]
    [InlineData("fig7", 2)]
    public void CommittedStudiesExpandIntoAtLeastThreeSeedsPerVariantWithDistinctKeys(string name, int variants)
    {
        var plan = StudyPlan.Load(Path.Combine(Studies, name + ".json"));
        Assert.Equal(name, plan.Study.Name);
        Assert.True(plan.Study.Seeds.Length >= 3);
        Assert.Equal(variants * plan.Study.Seeds.Length, plan.Cells.Count);
        Assert.Equal(plan.Cells.Count, plan.Cells.Select(c => c.Key).Distinct().Count());
        Assert.Equal(Path.Combine(RepoData.Root, "results", name), plan.ResultsDirectory);
        Assert.Equal("small", plan.Study.Preset);
        Assert.All(plan.Cells, c => Assert.True(c.Config.AutoencoderSteps + c.Config.MotionSteps + c.Config.ContentSteps >= 3000));
        // the rows of the paper's metric carry its numbers; rows of other metrics beside them (table4b's PSNR) have none
        if (plan.Study.Paper is { Rows.Length: > 0 } paper)
            Assert.All(paper.Rows.Where(r => r.Metric == paper.Rows[0].Metric), r => Assert.NotNull(r.Paper));
    }

    [Fact]
    public void TheTinyStudyNeverWritesIntoCommittedResults()
    {
        var plan = StudyPlan.Load(Path.Combine(Studies, "sweep-tiny.json"));
        Assert.StartsWith(Path.Combine(RepoData.Root, "runs") + Path.DirectorySeparatorChar, plan.ResultsDirectory); // runs/ is git-ignored
        Assert.Equal(6, plan.Cells.Count);
    }

    [Fact]
    public void Table4bVariantsChangeOnlyDLAndTheWeightedSum()
    {
        var plan = StudyPlan.Load(Path.Combine(Studies, "table4b.json"));
        var configs = plan.Cells.Where(c => c.Seed == 0).Select(c => c.Config.Autoencoder).ToList();
        Assert.Equal([(16, 16, true), (8, 16, true), (8, 16, false), (8, 24, true)], configs.Select(a => (a.LatentChannels, a.Frames, a.WeightedSum)));
        var baseline = Cmd.Presets.RunPresets.Small.Autoencoder;
        Assert.All(configs, a => Assert.Equal(baseline with { LatentChannels = a.LatentChannels, Frames = a.Frames, WeightedSum = a.WeightedSum }, a));
    }

    [Fact]
    public void OverridesMakeAnotherStudyWithItsOwnFolders()
    {
        var path = Path.Combine(Studies, "sweep-tiny.json");
        var original = StudyPlan.Load(path);
        var ucf = StudyPlan.Load(path, new StudyOverrides { Dataset = "ucf101", Root = "/data/UCF-101", Channels = 3, Seeds = [0, 1, 2, 3] });
        Assert.Equal("sweep-tiny--ucf101-c3-seeds4", ucf.Study.Name);
        Assert.Equal(original.ResultsDirectory + "--ucf101-c3-seeds4", ucf.ResultsDirectory);
        Assert.Equal(8, ucf.Cells.Count);
        Assert.All(ucf.Cells, c => Assert.Equal((3, "ucf101", "/data/UCF-101"), (c.Config.Autoencoder.Channels, c.Config.Dataset.Name, c.Config.Dataset.Root)));
        Assert.Empty(ucf.Cells.Select(c => c.Key).Intersect(original.Cells.Select(c => c.Key)));
        var set = StudyPlan.Load(path, new StudyOverrides { Set = ["steps.autoencoder=5", "evaluationClips=4"] });
        Assert.StartsWith("sweep-tiny--set", set.Study.Name);
        Assert.All(set.Cells, c => Assert.Equal((5L, 4), (c.Config.AutoencoderSteps, c.Config.EvaluationClips)));
    }

    [Theory]
    [InlineData("\"evaluationClips\": 8", "\"evaluationClip\": 8", "evaluationClip")]
    [InlineData("\"r_fvd\", \"floor\"", "\"r_fvd\", \"fvd\"", "metric 'fvd' is not measured by Autoencoder studies")]
    [InlineData("\"LatentChannels\": 2", "\"LatentChannel\": 2", "AutoencoderConfig has no setting 'LatentChannel'")]
    [InlineData("\"less\": \"D=4\"", "\"less\": \"D=5\"", "ordering 'D=5 < D=2' must name two paper rows")]
    [InlineData("\"preset\": \"tiny\"", "\"preset\": \"huge\"", "unknown preset 'huge'")]
    [InlineData("\"seeds\": [0, 1, 2]", "\"seeds\": [0, 0]", "seeds must be distinct")]
    [InlineData("\"LatentChannels\": 2", "\"LatentChannels\": \"two\"", "AutoencoderConfig")]
    public void BadStudiesAreOneLineErrorsNamingTheFile(string from, string to, string expected)
    {
        var dir = Fixtures.TempDir("study");
        var bad = Path.Combine(dir, "bad.json");
        var text = File.ReadAllText(Path.Combine(Studies, "sweep-tiny.json"));
        Assert.Contains(from, text);
        File.WriteAllText(bad, ReplaceFirst(text, from, to));
        var e = Assert.Throws<StudyException>(() => StudyPlan.Load(bad));
        Assert.StartsWith(bad, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AStudyIsAJsonObjectInAFileThatExists()
    {
        var bad = Path.Combine(Fixtures.TempDir("study"), "list.json");
        File.WriteAllText(bad, "[1, 2]");
        Assert.Equal($"{bad}: a study is a JSON object", Assert.Throws<StudyException>(() => StudyPlan.Load(bad)).Message);
        File.WriteAllText(bad, "{ \"name\": ");
        Assert.StartsWith($"{bad}: not valid JSON", Assert.Throws<StudyException>(() => StudyPlan.Load(bad)).Message);
        Assert.Equal("study file /nonexistent/x.json does not exist", Assert.Throws<StudyException>(() => StudyPlan.Load("/nonexistent/x.json")).Message);
        // a key or a value that is a lone surrogate escape (System.Text.Json throws InvalidOperationException on first read)
        File.WriteAllText(bad, "{ \"\\ud800\": 1, \"name\": \"x\" }");
        Assert.StartsWith($"{bad}: ", Assert.Throws<StudyException>(() => StudyPlan.Load(bad)).Message);
        File.WriteAllText(bad, "{ \"name\": \"\\ud800\" }");
        Assert.StartsWith($"{bad}: ", Assert.Throws<StudyException>(() => StudyPlan.Load(bad)).Message);
    }

    static string ReplaceFirst(string text, string from, string to)
    {
        int i = text.IndexOf(from, StringComparison.Ordinal);
        return text[..i] + to + text[(i + from.Length)..];
    }
}
