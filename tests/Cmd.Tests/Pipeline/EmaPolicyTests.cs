using System.Text.Json;
using Cmd.IO;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Pipeline;

/// <summary>Which weights a diffusion run folder samples with: its trained weights before <see cref="EmaPolicy.MinSteps"/>, its EMA after.</summary>
public class EmaPolicyTests
{
    static readonly DiTConfig Config = RunPresets.Tiny.ContentDiT;

    /// <summary>A content run folder as DiffusionTraining leaves it: checkpoint.safetensors at <paramref name="step"/> and,
    /// unless told otherwise, ema.safetensors; the two hold different weights.</summary>
    static (string Dir, DiT Trained, DiT Ema) RunFolder(long step, bool withEma = true)
    {
        var dir = Fixtures.TempDir("ema-policy");
        var meta = ModelMetadata.For(ModelMetadata.Content, JsonSerializer.Serialize(Config));
        manual_seed(1);
        var trained = new DiT(Config);
        manual_seed(2);
        var ema = new DiT(Config);
        TrainingCheckpoint.Save(Path.Combine(dir, TrainingCheckpoint.FileName), trained, null, step, meta);
        if (withEma) ModuleState.Save(ema, Path.Combine(dir, ModelMetadata.EmaFileName), meta);
        return (dir, trained, ema);
    }

    static bool SameWeights(DiT a, DiT b) =>
        a.state_dict().All(kv => kv.Value.equal(b.state_dict()[kv.Key]).all().item<bool>());

    [Theory]
    [InlineData(1)]
    [InlineData(600)]
    [InlineData(4999)]
    public void ShortRunsSampleTheTrainedWeights(long step)
    {
        var (dir, trained, ema) = RunFolder(step);
        Assert.False(EmaPolicy.PreferFor(dir));
        Assert.Equal(Path.Combine(dir, TrainingCheckpoint.FileName), ModelStore.Resolve(dir));
        var loaded = ModelStore.LoadContent(dir);
        Assert.Equal(Path.Combine(dir, TrainingCheckpoint.FileName), loaded.Path);
        Assert.True(SameWeights(loaded.Model, trained));
        Assert.False(SameWeights(loaded.Model, ema));
    }

    [Theory]
    [InlineData(5000)]
    [InlineData(400_000)]
    public void LongRunsSampleTheEma(long step)
    {
        var (dir, trained, ema) = RunFolder(step);
        Assert.True(EmaPolicy.PreferFor(dir));
        Assert.Equal(Path.Combine(dir, ModelMetadata.EmaFileName), ModelStore.Resolve(dir));
        var loaded = ModelStore.LoadContent(dir);
        Assert.Equal(Path.Combine(dir, ModelMetadata.EmaFileName), loaded.Path);
        Assert.True(SameWeights(loaded.Model, ema));
        Assert.False(SameWeights(loaded.Model, trained));
    }

    [Fact]
    public void AnExplicitChoiceOverridesThePolicyAndAMissingEmaFallsBackToTheCheckpoint()
    {
        var (shortRun, _, shortEma) = RunFolder(10);
        Assert.True(SameWeights(ModelStore.LoadContent(shortRun, preferEma: true).Model, shortEma));
        var (longRun, longTrained, _) = RunFolder(EmaPolicy.MinSteps + 1);
        Assert.True(SameWeights(ModelStore.LoadContent(longRun, preferEma: false).Model, longTrained));
        var (noEma, trained, _) = RunFolder(EmaPolicy.MinSteps * 2, withEma: false);
        Assert.True(EmaPolicy.PreferFor(noEma));
        Assert.Equal(Path.Combine(noEma, TrainingCheckpoint.FileName), ModelStore.Resolve(noEma));
        Assert.True(SameWeights(ModelStore.LoadContent(noEma).Model, trained));
    }

    [Fact]
    public void FoldersWithoutACheckpointAndFilesAreLeftAlone()
    {
        Assert.False(EmaPolicy.PreferFor(Fixtures.TempDir("ema-policy")));
        Assert.False(EmaPolicy.PreferFor("/nonexistent/run"));
        var (dir, _, _) = RunFolder(EmaPolicy.MinSteps);
        var file = Path.Combine(dir, TrainingCheckpoint.FileName);
        Assert.Equal(file, ModelStore.Resolve(file));                       // a file is used as it is, EMA or not
        Assert.Equal(file, ModelStore.Resolve(file, preferEma: true));
        Assert.Equal((false, true), (EmaPolicy.Prefer(EmaPolicy.MinSteps - 1), EmaPolicy.Prefer(EmaPolicy.MinSteps)));
    }
}
