using Cmd.Benchmarks;
using Cmd.Models.Autoencoder;
using Cmd.Presets;

namespace Cmd.Tests.Benchmarks;

/// <summary>Runs only where /usr/bin/python3 imports torch (Debian's python3-torch; `make bench` installs it).</summary>
public sealed class PyTorchTheoryAttribute : TheoryAttribute
{
    static readonly Lazy<string?> Missing = new(() => new PyTorchReference(PyTorchReference.DefaultPython, null, null, 1).Unavailable());

    public PyTorchTheoryAttribute()
    {
        if (Missing.Value is string why) Skip = $"PyTorch twin not run: {why}";
    }
}

/// <summary>
/// bench/autoencoder_step.py is the same model as CmdAutoencoder: it loads our weights with strict=True and its losses
/// over Adam steps from the same weights and batch equal ours (needs Debian's python3-torch; reported as skipped without it).
/// </summary>
public class AutoencoderTwinTests
{
    static string BenchDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Workbench.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("Workbench.sln not found above the test folder"), "bench");
    }

    [PyTorchTheory]
    [InlineData(AutoencoderVariant.Paper)]
    [InlineData(AutoencoderVariant.OfficialCode)]
    public void TwinGivesOurLossesStepByStep(AutoencoderVariant variant)
    {
        var py = new PyTorchReference(PyTorchReference.DefaultPython, null, null, 1);
        // non-square grid, C = 3, heads x head dim != C', learned positions for the paper variant: every switch the twin states
        var config = RunPresets.Tiny.Autoencoder.WithVariant(variant) with { Channels = 3, Height = 16, Width = 24, PatchSize = 4, Heads = 3, HeadDim = 16 };
        if (variant == AutoencoderVariant.Paper) config = config with { PositionEmbedding = Cmd.Models.Backbones.PositionEmbeddingKind.Learned, ImportanceEntropy = 0.1 };
        TorchSharp.torch.manual_seed(5);
        using var setup = AutoencoderBenchmark.Create(config, TorchSharp.torch.rand(new long[] { 2, config.Frames, config.Channels, config.Height, config.Width }) * 2 - 1);
        string input = Path.Combine(Fixtures.TempDir(), "twin.safetensors");
        AutoencoderBenchmark.WriteTwinInput(setup, input);
        var ours = AutoencoderBenchmark.Time(setup, warmup: 0, steps: 3);
        var twin = AutoencoderBenchmark.RunTwin(py, Path.Combine(BenchDir(), "autoencoder_step.py"), input, 0, 3, out _, out _);
        Assert.Equal(3, twin.Losses.Length);
        for (int i = 0; i < 3; i++)
            Assert.True(Math.Abs(ours.Losses[i] - twin.Losses[i]) <= 1e-5 * Math.Abs(twin.Losses[i]),
                $"step {i}: loss {ours.Losses[i]:G9} here, {twin.Losses[i]:G9} in the twin");
        Assert.True(ours.Losses[2] < ours.Losses[0], "Adam steps did not lower the loss: the comparison would prove little");
    }
}
