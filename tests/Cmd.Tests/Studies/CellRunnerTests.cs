using System.Text.Json.Nodes;
using Cmd.Data;
using Cmd.IO;
using Cmd.Studies;
using static TorchSharp.torch;

namespace Cmd.Tests.Studies;

/// <summary>Each kind of cell runs at the tiny preset through the library and leaves a done marker with its metrics.</summary>
public class CellRunnerTests
{
    static readonly string Where = Path.Combine(RepoData.Root, "studies", "test.json");

    static StudyPlan Plan(StudyKind kind, string[] metrics, StudyVariant[] variants, string dir) => StudyPlan.For(new Study
    {
        Name = $"test-{kind}".ToLowerInvariant(), Kind = kind, Preset = "tiny", Seeds = [0], Dataset = new StudyDataset { Clips = 32 },
        Steps = new StudySteps { Autoencoder = 3, Content = 2, Motion = 2 }, EvaluationClips = 4, Pairs = 16,
        ContentSamplingSteps = 2, MotionSamplingSteps = 2, Metrics = metrics, Variants = variants,
        Results = Path.Combine(dir, "results"), Runs = Path.Combine(dir, "runs", $"test-{kind}".ToLowerInvariant()),
    }, Where);

    static readonly List<string> Log = [];

    [Fact]
    public void AutoencoderCellScoresItsReconstructionsOnceAndHoldsItsLock()
    {
        var dir = Fixtures.TempDir("cell-ae");
        var plan = Plan(StudyKind.Autoencoder, ["r_fvd", "floor", "psnr", "ssim", "train_loss"], [new StudyVariant { Name = "base" }], dir);
        var cell = plan.Cells[0];
        using (var held = FileLock.TryAcquire(Path.Combine(plan.RunFolder(cell), CellRunner.LockFileName)))
        {
            Assert.NotNull(held);
            var e = Assert.Throws<StudyException>(() => CellRunner.Run(plan, 0, CPU, Log.Add));
            Assert.Contains("cell 0 (base, seed 0) is running in another process", e.Message);
        }
        var result = CellRunner.Run(plan, 0, CPU, Log.Add);
        Assert.Equal(["floor", "psnr", "r_fvd", "ssim", "train_loss"], result.Metrics.Keys.Order());
        Assert.All(result.Metrics.Values, v => Assert.True(double.IsFinite(v)));
        Assert.True(result.Metrics["r_fvd"] > 0 && result.Metrics["psnr"] > 0);
        Assert.Equal(["content-frames.png"], result.Artefacts);
        Assert.Equal(1, result.Runs);
        Assert.Equal(cell.Key, Cmd.IO.ConfigKey.Of(cell.Config));
        Assert.Equal(cell.Key, result.Key);
        var marker = Path.Combine(plan.CellFolder(cell), CellResult.FileName);
        var written = File.GetLastWriteTimeUtc(marker);
        var again = CellRunner.Run(plan, 0, CPU, Log.Add);
        Assert.Equal(result.Seconds, again.Seconds);
        Assert.Equal(written, File.GetLastWriteTimeUtc(marker));
        Assert.Equal("done", StudyStatus.Of(plan)[0].State);
    }

    [Fact]
    public void MotionCellsShareTheAutoencoderAndPairsAndCountTheirFlops()
    {
        var dir = Fixtures.TempDir("cell-motion");
        var plan = Plan(StudyKind.Motion, ["fvd", "gflops", "parameters", "train_loss", "reconstruction_fvd", "static_fvd", "floor"],
            [new StudyVariant { Name = "key 8", Motion = Node("{\"KeyPatchSize\": 8}") }, new StudyVariant { Name = "key 4", Motion = Node("{\"KeyPatchSize\": 4}") }], dir);
        var coarse = CellRunner.Run(plan, 0, CPU, Log.Add);
        var fine = CellRunner.Run(plan, 1, CPU, Log.Add);
        Assert.Equal(7, coarse.Metrics.Count);
        Assert.True(fine.Metrics["gflops"] > coarse.Metrics["gflops"]); // 64 content tokens instead of 16
        Assert.All(coarse.Metrics.Values.Concat(fine.Metrics.Values), v => Assert.True(double.IsFinite(v) && v > 0));
        Assert.Single(Directory.GetDirectories(plan.SharedFolder, "autoencoder-*"));
        Assert.Single(Directory.GetFiles(plan.SharedFolder, "pairs-*.safetensors"));
        Assert.Equal(coarse.Metrics["reconstruction_fvd"], fine.Metrics["reconstruction_fvd"]); // same autoencoder, same clips
    }

    [Fact]
    public void ComponentCellMeasuresReconstructionMotionPredictionAndTheFullPipeline()
    {
        var dir = Fixtures.TempDir("cell-components");
        var plan = Plan(StudyKind.Components, ["reconstruction_fvd", "motion_prediction_fvd", "generation_fvd", "floor"], [new StudyVariant { Name = "CMD" }], dir);
        var r = CellRunner.Run(plan, 0, CPU, Log.Add);
        Assert.Equal(["floor", "generation_fvd", "motion_prediction_fvd", "reconstruction_fvd"], r.Metrics.Keys.Order());
        Assert.All(r.Metrics.Values, v => Assert.True(double.IsFinite(v) && v > 0));
        Assert.True(File.Exists(Path.Combine(plan.RunFolder(plan.Cells[0]), "content", "checkpoint.safetensors")));
        Assert.Single(Directory.GetDirectories(plan.SharedFolder, "motion-*"));
    }

    [Fact]
    public void AComponentsCellLoadsTheMotionDiTAMotionStudyTrainedAtItsSeed()
    {
        var dir = Fixtures.TempDir("cell-shared-motion");
        var motion = Plan(StudyKind.Motion, ["train_loss"], [new StudyVariant { Name = "default" }], dir);
        var components = Plan(StudyKind.Components, ["reconstruction_fvd", "motion_prediction_fvd", "floor"],
            [new StudyVariant { Name = "CMD" }], dir);
        Assert.Equal(motion.SharedFolder, components.SharedFolder);
        CellRunner.Run(motion, 0, CPU, Log.Add);
        var trained = Assert.Single(Directory.GetDirectories(motion.SharedFolder, "motion-*"));
        var checkpoint = Path.Combine(trained, "checkpoint.safetensors");
        var written = File.GetLastWriteTimeUtc(checkpoint);
        Log.Clear();
        CellRunner.Run(components, 0, CPU, Log.Add);
        Assert.Equal(trained, Assert.Single(Directory.GetDirectories(components.SharedFolder, "motion-*")));
        Assert.Equal(written, File.GetLastWriteTimeUtc(checkpoint));
        Assert.Contains(Log, l => l.Contains(trained) && l.Contains("steps 2..2"));
    }

    [Fact]
    public void ContentFrameCellMeasuresHowCloseTheContentFrameIsToAFrame()
    {
        var dir = Fixtures.TempDir("cell-frames");
        var plan = Plan(StudyKind.ContentFrames, ["psnr", "ssim", "content_frame_psnr"], [new StudyVariant { Name = "mmnist" }], dir);
        var r = CellRunner.Run(plan, 0, CPU, Log.Add);
        Assert.InRange(r.Metrics["content_frame_psnr"], 1, 60);
        Assert.True(new FileInfo(Path.Combine(plan.CellFolder(plan.Cells[0]), "content-frames.png")).Length > 1000);
    }

    static JsonObject Node(string json) => JsonNode.Parse(json)!.AsObject();
}
