using Cmd.Data;
using Cmd.Presets;
using Cmd.Studies;

namespace Cmd.Tests.Studies;

/// <summary>
/// The collected cells of a study (what the page and notebooks 04-06 show), from done markers written here by hand:
/// spreads, orderings, what it says with none, some or all cells done, charts and pictures.
/// </summary>
public class StudyResultsTests
{
    static string TinyStudy => Path.Combine(RepoData.Root, "studies", "sweep-tiny.json");

    static (StudyPlan Plan, CellCommand Command) Tiny(string dir)
    {
        var overrides = new StudyOverrides { Results = Path.Combine(dir, "results"), Runs = Path.Combine(dir, "runs") };
        return (StudyPlan.Load(TinyStudy, overrides), new CellCommand(["workbench"], TinyStudy, overrides.Arguments()));
    }

    /// <summary>A done marker for cell <paramref name="index"/> with the given R-FVD (other metrics fixed).</summary>
    static void Finish(StudyPlan plan, int index, double rFvd, bool picture = false, double seconds = 0)
    {
        var cell = plan.Cells[index];
        var folder = plan.CellFolder(cell);
        Directory.CreateDirectory(folder);
        if (picture) File.WriteAllBytes(Path.Combine(folder, AutoencoderCell.ContentFramesFile), [1]);
        new CellResult
        {
            Key = cell.Key, Study = plan.Study.Name, Variant = cell.Variant, Seed = cell.Seed,
            Metrics = new() { ["r_fvd"] = rFvd, ["floor"] = 10, ["psnr"] = 20, ["ssim"] = 0.5, ["train_loss"] = 0.1 },
            Artefacts = picture ? [AutoencoderCell.ContentFramesFile] : [], Seconds = seconds,
        }.Write(folder);
    }

    [Fact]
    public void NoFinishedCellsSaysSoWithTheCommandsThatRunThem()
    {
        var dir = Fixtures.TempDir("study-results");
        var (plan, command) = Tiny(dir);
        var r = StudyResults.Of(plan);
        Assert.Empty(r.Done);
        Assert.Empty(r.Charts());
        Assert.All(r.PaperRows, row => Assert.Equal(0, row.Ours.N));
        Assert.Equal(["not measured"], r.Orderings.Select(o => o.Verdict));
        var say = r.Say(command);
        Assert.StartsWith("sweep-tiny has no finished cells yet (6 cells: 6 pending)", say);
        // outside the checkout the folders stay as given; locally what a 2-core laptop runs, spelled out
        Assert.Contains($"`workbench sweep run studies/sweep-tiny.json --results {dir}/results --runs {dir}/runs --backend local --jobs 1 --threads 2`", say);
        Assert.Contains($"`workbench sweep collect studies/sweep-tiny.json --results {dir}/results --runs {dir}/runs`", say);
    }

    [Fact]
    public void PaperRowsOfTwoMetricsAreTwoChartsEachWithItsOwnAxis()
    {
        var dir = Fixtures.TempDir("study-results-two");
        var study = Path.Combine(dir, "two-metrics.json"); // sweep-tiny with PSNR rows beside the R-FVD rows
        File.WriteAllText(study, File.ReadAllText(TinyStudy).Replace(
            "{ \"label\": \"D=2\", \"variant\": \"D=2\", \"metric\": \"r_fvd\" }",
            "{ \"label\": \"D=2\", \"variant\": \"D=2\", \"metric\": \"r_fvd\" }, " +
            "{ \"label\": \"PSNR D=4\", \"variant\": \"D=4\", \"metric\": \"psnr\" }"));
        var plan = StudyPlan.Load(study, new StudyOverrides { Results = Path.Combine(dir, "results"), Runs = Path.Combine(dir, "runs") });
        for (int i = 0; i < plan.Cells.Count; i++) Finish(plan, i, 10 + i);
        var charts = StudyResults.Of(plan).Charts();
        Assert.Equal(["paper-rows", "paper-rows-psnr", "floor", "ssim", "train-loss"], charts.Select(c => c.Name));
        Assert.EndsWith("rows, ours (PSNR dB)", charts[1].Caption);
        Assert.DoesNotContain("PSNR", charts[0].Caption);
    }

    [Fact]
    public void DoneCellsGiveMeanStdOverSeedsAndTheOrderingSeedBySeed()
    {
        var dir = Fixtures.TempDir("study-results");
        var (plan, command) = Tiny(dir);
        // cells 0-2: D=4 at seeds 0, 1, 2; cells 3-5: D=2. D=4 < D=2 in seeds 0 and 1, not in seed 2.
        Finish(plan, 0, 10, picture: true);
        Finish(plan, 1, 12);
        Finish(plan, 3, 11);
        var partial = StudyResults.Of(plan);
        Assert.StartsWith("sweep-tiny is incomplete: 6 cells: 3 done, 3 pending", partial.Say(command));
        Assert.Contains("the rest runs with `workbench sweep run studies/sweep-tiny.json", partial.Say(command));
        Finish(plan, 2, 20);
        Finish(plan, 4, 13);
        Finish(plan, 5, 15);
        var r = StudyResults.Of(plan);
        Assert.True(r.Complete);
        Assert.Equal($"sweep-tiny: all 6 cells are done ({dir}/results)", r.Say(command));
        var d4 = r.PaperRows.Single(x => x.Variant == "D=4");
        Assert.Equal((14.0, 3), (d4.Ours.Mean, d4.Ours.N));
        Assert.Equal(Math.Sqrt(28.0), d4.Ours.Std, 12); // deviations -4, -2, 6: (16 + 4 + 36) / 2
        Assert.True(d4.Metric.LowerIsBetter);
        var o = Assert.Single(r.Orderings);
        Assert.Equal(SeedStatistics.Compare("D=4 < D=2", r.Values("D=4", "r_fvd"), r.Values("D=2", "r_fvd")), o);
        Assert.Equal("D=4 < D=2 in 2 of 3 seeds", o.SeedAgreement);
        Assert.Equal("does not hold", o.Verdict); // means 14 vs 13
        // the paper's rows (R-FVD), then each other metric
        Assert.Equal(["paper-rows", "floor", "psnr", "ssim", "train-loss"], r.Charts().Select(c => c.Name));
        var picture = Assert.Single(r.Pictures(AutoencoderCell.ContentFramesFile));
        Assert.Equal(("D=4", 0), (picture.Variant, picture.Seed));
    }

    [Fact]
    public void AClaimThatHoldsOnlyOnTheMeansSaysHowManySeedsWouldSeparateItAndWhatTheyCostHere()
    {
        var dir = Fixtures.TempDir("study-results-power");
        var (plan, command) = Tiny(dir);
        // D=2 - D=4 per seed: -0.5, 0.5, 1.5 (mean 0.5, std 1, p = 0.24): 27 seeds (SeedStatisticsTests)
        double[] d4 = [10, 10, 10], d2 = [9.5, 10.5, 11.5];
        for (int seed = 0; seed < 3; seed++)
        {
            Finish(plan, seed, d4[seed], seconds: 60);
            Finish(plan, 3 + seed, d2[seed], seconds: 60);
        }
        var page = File.ReadAllText(StudyReport.Write(plan, command, _ => { }).Readme);
        Assert.Contains("**holds on the means; not significant (p = 0.24)**", page);
        Assert.Contains("Not separated by 3 seeds: seeds per side that a one-sided paired t-test (p < 0.05)", page);
        Assert.Contains("- D=4 < D=2: paired difference", page);
        Assert.Contains("about 27 seeds; adding the other 24 seeds to the study is about 48.0 min of cell time here " +
            "(2 cells a seed, median cell 1.0 min).", page);
    }

    [Fact]
    public void APictureTheMarkerListsButTheFolderLacksIsLeftOut()
    {
        var dir = Fixtures.TempDir("study-results");
        var (plan, _) = Tiny(dir);
        Finish(plan, 0, 10, picture: true);
        File.Delete(Path.Combine(plan.CellFolder(plan.Cells[0]), AutoencoderCell.ContentFramesFile));
        Assert.Empty(StudyResults.Of(plan).Pictures(AutoencoderCell.ContentFramesFile));
    }

    [Fact]
    public void AtAnotherPresetAStudyTakesThatPresetsNumbersAndTrainsItsOwnAutoencoder()
    {
        var path = Path.Combine(RepoData.Root, "studies", "table4a.json");
        var study = StudyFile.Load(path);
        var o = StudyOverrides.AtPreset(study, "tiny");
        Assert.Equal(["steps.content=0", "steps.motion=0", "evaluationClips=0", "pairs=0", "contentSamplingSteps=0",
            "motionSamplingSteps=0", "cfgScale=0", "autoencoder=null"], o.Set);
        var plan = StudyPlan.Load(path, o);
        Assert.StartsWith("table4a--tiny-set", plan.Study.Name);
        var tiny = RunPresets.Tiny;
        Assert.All(plan.Cells, c =>
        {
            var x = c.Config;
            Assert.Equal((tiny.ContentSteps, tiny.MotionSteps, tiny.EvaluationClips, tiny.Clips), (x.ContentSteps, x.MotionSteps, x.EvaluationClips, x.Pairs));
            Assert.Equal((tiny.ContentSamplingSteps, tiny.MotionSamplingSteps, tiny.CfgScale), (x.ContentSamplingSteps, x.MotionSamplingSteps, x.CfgScale));
            Assert.StartsWith("shared:", c.Config.AutoencoderSource);
            Assert.Equal(tiny.Autoencoder, c.Config.Autoencoder);
        });
        // only what the study sets is reset: table4b gives autoencoder steps and clips, no weights
        Assert.Equal(["steps.autoencoder=0", "evaluationClips=0"],
            StudyOverrides.AtPreset(StudyFile.Load(Path.Combine(RepoData.Root, "studies", "table4b.json")), "tiny").Set);
    }

    [Fact]
    public void OverridesAreTheCommandLineOptionsThatMakeThem()
    {
        var o = new StudyOverrides
        {
            Dataset = "ucf101", Root = "/data/UCF-101", Channels = 3, Preset = "ucf101-pixel", Seeds = [0, 1, 2, 3],
            Set = ["steps.autoencoder=5"], Results = "/r", Runs = "/x",
        };
        Assert.Equal(["--dataset", "ucf101", "--root", "/data/UCF-101", "--channels", "3", "--preset", "ucf101-pixel", "--seeds", "0,1,2,3",
            "--set", "steps.autoencoder=5", "--results", "/r", "--runs", "/x"], o.Arguments());
        Assert.True(o.ChangesStudy);
        Assert.False(new StudyOverrides { Results = "/r" }.ChangesStudy);
        Assert.Equal([0, 1, 2, 3], StudyOverrides.ParseSeeds(" 0, 1,2 ,3"));
        Assert.Equal("--seeds: 'x' is not an integer (e.g. --seeds 0,1,2)",
            Assert.Throws<StudyException>(() => StudyOverrides.ParseSeeds("0,x")).Message);
        Assert.Equal("seeds: no seeds in ',' (e.g. seeds 0,1,2)", Assert.Throws<StudyException>(() => StudyOverrides.ParseSeeds(",", "seeds")).Message);
    }
}
