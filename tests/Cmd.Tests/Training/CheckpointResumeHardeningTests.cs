using Cmd.IO;
using Cmd.Models.Autoencoder;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Training;

/// <summary>Issue 17: a damaged checkpoint is refused whole, before libtorch or the model sees any of it.</summary>
public class CheckpointResumeHardeningTests
{
    /// <summary>A real 2-step checkpoint of the tiny autoencoder, its tensors and metadata.</summary>
    static (string Dir, Dictionary<string, Tensor> Tensors, Dictionary<string, string> Meta) Checkpoint()
    {
        string dir = Fixtures.TempDir("ckpt-hard");
        var (m, b) = TrainerTests.TinySetup();
        AutoencoderTraining.Train(m, b, AutoencoderTraining.Options(m.Config) with { Steps = 2, Progress = false, OutDir = dir });
        var file = SafeTensorsFile.Open(Path.Combine(dir, TrainingCheckpoint.FileName));
        return (dir, file.ReadAll(), file.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    /// <summary>Writes a variant, tries to resume from it into a fresh model; asserts the refusal and that nothing changed.</summary>
    static Exception RefusedWhole(string dir, string name, Dictionary<string, Tensor> tensors, Dictionary<string, string> meta)
    {
        string path = Path.Combine(dir, name);
        SafeTensors.Save(path, tensors, meta);
        var (model, _) = TrainerTests.TinySetup();
        using var optimizer = AdamOptimizer.For(model, AutoencoderTraining.Options(model.Config));
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        manual_seed(77);
        using var rngBefore = get_rng_state();
        var e = Record.Exception(() => TrainingCheckpoint.Load(path, model, optimizer));
        Assert.NotNull(e);
        Assert.True(e is CheckpointException or StateDictMismatchException or SafeTensorsException, $"{e.GetType().Name}: {e.Message}");
        Assert.Contains(path, e.Message);
        foreach (var (k, v) in model.state_dict()) Assert.True(v.eq(before[k]).all().item<bool>(), $"{k} changed by a refused checkpoint");
        Assert.All(optimizer.States, s => Assert.Equal(0, s.Step));
        using var rngAfter = get_rng_state();
        Assert.True(rngAfter.eq(rngBefore).all().item<bool>(), "the generator changed");
        return e;
    }

    [Fact]
    public void EachDefectOfTheIssueIsRefusedWholeWithTheFileNamed()
    {
        var (dir, t, meta) = Checkpoint();
        Dictionary<string, Tensor> With(string key, Tensor value) => new(t) { [key] = value };

        // 1. one flipped bit in the RNG state's "left" field (libtorch would abort the process)
        var rng = t[TrainingCheckpoint.RngKey].data<byte>().ToArray();
        rng[9] ^= 0x40;
        Assert.Contains("RNG state", RefusedWhole(dir, "rng.safetensors", With(TrainingCheckpoint.RngKey, tensor(rng)), meta).Message);
        // 2. an optimizer moment stored as a scalar (used to be broadcast)
        var moment = t.Keys.First(k => k.EndsWith(".exp_avg", StringComparison.Ordinal));
        Assert.Contains("is Float32 [], the parameter", RefusedWhole(dir, "scalar.safetensors", With(moment, tensor(0.5f)), meta).Message);
        // 3. a weight stored as int32 (used to be converted)
        var weight = t.Keys.First(k => k.StartsWith("model.", StringComparison.Ordinal) && t[k].is_floating_point() && t[k].numel() > 1);
        Assert.Contains("Int32", RefusedWhole(dir, "int.safetensors", With(weight, t[weight].to(ScalarType.Int32)), meta).Message);
        // 4. a negative step in the metadata (used to say "Non-negative number required")
        Assert.Contains("not a whole number", RefusedWhole(dir, "step.safetensors", t, new(meta) { ["step"] = "-3" }).Message);
        // 5. the model fits but the optimizer state does not: nothing is half-loaded
        var sq = t.Keys.First(k => k.EndsWith(".exp_avg_sq", StringComparison.Ordinal));
        Assert.Contains("negative", RefusedWhole(dir, "sq.safetensors", With(sq, t[sq].neg().sub(1)), meta).Message);
    }

    [Fact]
    public void AMissingRngStateResumesAndSaysTheRunIsNoLongerExact()
    {
        var (dir, t, meta) = Checkpoint();
        var without = t.Where(kv => kv.Key != TrainingCheckpoint.RngKey).ToDictionary();
        SafeTensors.Save(Path.Combine(dir, TrainingCheckpoint.FileName), without, meta);
        var (m, b) = TrainerTests.TinySetup();
        var r = AutoencoderTraining.Train(m, b, AutoencoderTraining.Options(m.Config) with { Steps = 3, Progress = false, OutDir = dir, Resume = true });
        Assert.Equal(2, r.StartStep);
        Assert.Contains(r.Notes, n => n.Contains("no RNG state") && n.Contains("no longer exactly"));
    }
}
