using Cmd.Data;
using Cmd.Tests.Data;
using Cmd.Training;

namespace Workbench.Cli.Tests;

/// <summary>The UCF-101 path from the command line, on a UCF-101-layout fixture (RGB AVIs + ucfTrainTestlist/).</summary>
public class Ucf101CliTests
{
    static readonly Lazy<string> Root = new(() => Ucf101Fixture.Write(Cmd.Tests.Fixtures.TempDir("ucf101-fixture")));

    [Fact]
    public void AeTrainAndEncodeTakeUcf101WithItsRootAndRgbChannels()
    {
        var dir = Cmd.Tests.Fixtures.TempDir("ucf-ae");
        var run = Path.Combine(dir, "ae");
        var train = CliRunner.Run("ae", "train", "--preset", "tiny", "--dataset", "ucf101", "--root", Root.Value, "--channels", "3",
            "--steps", "2", "--out", run);
        Assert.True(train.ExitCode == 0, train.StdOut + train.StdErr);
        Assert.Contains("data ucf101-train1 [L=8, C=3, H=32, W=32] x 18", train.StdOut); // 9 train-list videos x 2 clips; test list unused
        Assert.Contains("steps 0..2", train.StdOut);
        var checkpoint = Path.Combine(run, TrainingCheckpoint.FileName);
        Assert.Equal(3, ModelMetadata.ReadAutoencoderConfig(checkpoint).Channels);

        var pairs = Path.Combine(dir, "pairs.safetensors");
        var encode = CliRunner.Run("ae", "encode", "--checkpoint", checkpoint, "--dataset", "ucf101", "--root", Root.Value, "--channels", "3",
            "--clips", "18", "--out", pairs);
        Assert.True(encode.ExitCode == 0, encode.StdOut + encode.StdErr);
        Assert.Contains("18 pairs; content [18, 3, 32, 32]", encode.StdOut);
        using (var p = LatentPairs.Load(pairs))
            Assert.Equal([0L, 1, 2], p.Labels.data<long>().ToArray().Distinct().Order().ToArray()); // classInd's classes

        var wrong = CliRunner.Run("ae", "encode", "--checkpoint", checkpoint, "--dataset", "ucf101", "--root", Root.Value, "--channels", "1", "--out", pairs);
        Assert.Contains("--channels 1: autoencoder 'tiny' takes 3-channel clips", wrong.StdErr);
        var noRoot = CliRunner.Run("ae", "train", "--preset", "tiny", "--dataset", "ucf101", "--steps", "1", "--out", Path.Combine(dir, "no-root"));
        Assert.Contains("dataset ucf101 needs a root folder (--root)", noRoot.StdErr);
    }

    [Fact]
    public void Ucf101PixelPresetTrainsOnTheFixtureShrunkToCpuSize()
    {
        // The preset's RGB channels, patch and optimizer; width, depth and frame size cut down so two steps run on a CPU.
        var dir = Cmd.Tests.Fixtures.TempDir("ucf-pixel");
        var info = CliRunner.Run("ae", "info", "--preset", "ucf101-pixel");
        Assert.Contains("video [L=16, C=3, H=64, W=64], patch 2 -> H'xW' = 32x32", info.StdOut);
        var train = CliRunner.Run("ae", "train", "--preset", "ucf101-pixel", "--size", "32", "--L", "8", "--patch", "8", "--hidden", "64",
            "--depth", "1", "--heads", "2", "--head-dim", "32", "--batch", "2", "--lr", "1e-3", "--steps", "2",
            "--dataset", "ucf101", "--root", Root.Value, "--out", Path.Combine(dir, "ae"));
        Assert.True(train.ExitCode == 0, train.StdOut + train.StdErr);
        Assert.Contains("autoencoder ucf101-pixel", train.StdOut);
        Assert.Contains("[L=8, C=3, H=32, W=32]", train.StdOut);
    }

    [Fact]
    public void StudiesTakeUcf101FromTheCommandLine()
    {
        var dir = Cmd.Tests.Fixtures.TempDir("ucf-sweep");
        var study = Path.Combine(RepoData.Root, "studies", "sweep-tiny.json");
        string[] ucf = ["--dataset", "ucf101", "--root", Root.Value, "--channels", "3", "--seeds", "0",
            "--results", Path.Combine(dir, "results"), "--runs", Path.Combine(dir, "runs")];
        // PSNR/SSIM need no detector; the paper rows name R-FVD, so they go too.
        var run = CliRunner.Run(["sweep", "run", study, .. ucf, "--set", "metrics=[\"psnr\",\"ssim\"]", "--set", "paper=null"]);
        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        Assert.Contains("sweep-tiny--ucf101-c3-seeds1-set", run.StdOut);
        Assert.Contains("2 of 2 cells done (2 now)", run.StdOut);
        var readme = File.ReadAllText(Path.Combine(dir, "results", "README.md"));
        Assert.Contains($"ucf101 at `{Root.Value}`, 3 channels", readme);
        Assert.Contains("--dataset ucf101 --root", readme);

        // FVD-local is a one-channel Moving MNIST detector: an RGB study that asks for R-FVD is told to use I3D.
        var rgbFvd = CliRunner.Run(["sweep", "cell", study, "0", .. ucf]);
        Assert.Equal(1, rgbFvd.ExitCode);
        Assert.Contains("detector fvd-local takes 1-channel clips, the study's have 3 (RGB needs detector i3d:<i3d_torchscript.pt>", rgbFvd.StdErr);
    }
}
