using Cmd.Benchmarks;
using Cmd.Models.Autoencoder;
using Cmd.Presets;

namespace Cmd.Tests.Benchmarks;

/// <summary>
/// bench/autoencoder_step.py is the same model as CmdAutoencoder: it loads our weights with strict=True and its losses
/// over Adam steps from the same weights and batch equal ours (needs Debian's python3-torch; reported as skipped without it).
/// </summary>
public class AutoencoderTwinTests
{
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
        var twin = AutoencoderBenchmark.RunTwin(py, Path.Combine(PyTorchSide.BenchDir(), "autoencoder_step.py"), input, 0, 3, out _, out _);
        Assert.Equal(3, twin.Losses.Length);
        for (int i = 0; i < 3; i++)
            Assert.True(Math.Abs(ours.Losses[i] - twin.Losses[i]) <= 1e-5 * Math.Abs(twin.Losses[i]),
                $"step {i}: loss {ours.Losses[i]:G9} here, {twin.Losses[i]:G9} in the twin");
        Assert.True(ours.Losses[2] < ours.Losses[0], "Adam steps did not lower the loss: the comparison would prove little");
    }

    [PyTorchFact]
    public void ServedTwinTakesItsStepsInTurnWithOursAndGivesOurLosses()
    {
        var py = new PyTorchReference(PyTorchReference.DefaultPython, null, null, 1);
        var config = RunPresets.Tiny.Autoencoder with { Channels = 3, Height = 16, Width = 24, PatchSize = 4 };
        TorchSharp.torch.manual_seed(5);
        var video = TorchSharp.torch.rand(new long[] { 2, config.Frames, config.Channels, config.Height, config.Width }) * 2 - 1;
        using var ours = AutoencoderBenchmark.Create(config, video);
        using var bf16 = AutoencoderBenchmark.Create(config, video.clone());
        double flops = AutoencoderBenchmark.TrainingStepFlops(ours);
        using var twin = AutoencoderBenchmark.Serve(py, Path.Combine(PyTorchSide.BenchDir(), "autoencoder_step.py"), ours,
            warmup: 1, matmulSize: 64);
        Assert.Equal(ours.Model.parameters().Sum(p => p.numel()), twin.Ready.GetProperty("params").GetInt64());
        var (exact, withBf16) = StepComparison.Measure("tiny", flops, ours.Step, twin, bf16.Step, warmup: 1, rounds: 3,
            matmulSize: 64);
        Assert.Equal(3, exact.Workbench.Seconds.Length);
        Assert.Equal(3, exact.PyTorch!.Seconds.Length);
        Assert.Equal(3, withBf16!.Workbench.Seconds.Length);
        Assert.Equal(9, exact.WorkbenchMatmul.Timing.Seconds.Length);   // 3 products before each of its 3 steps
        Assert.True(exact.PyTorchMatmulGflops > 0);
        Assert.NotNull(exact.PairedRatio);
        // the same 1 + 3 steps on both sides from the same state: the timed steps' losses agree one by one
        Assert.Equal(3, exact.PyTorchLosses.Count);
        for (int i = 0; i < 3; i++)
            Assert.True(Math.Abs(exact.WorkbenchLosses[i] - exact.PyTorchLosses[i]) <= 1e-5 * Math.Abs(exact.PyTorchLosses[i]),
                $"step {i}: loss {exact.WorkbenchLosses[i]:G9} here, {exact.PyTorchLosses[i]:G9} in the twin");
        Assert.True(exact.WorkbenchLosses[2] < exact.WorkbenchLosses[0], "Adam steps did not lower the loss");
        Assert.Equal(Cmd.Runtime.Fp32Matmul.Ieee, Cmd.Runtime.MatmulPrecision.Current);   // the bf16 side gave it back
    }
}
