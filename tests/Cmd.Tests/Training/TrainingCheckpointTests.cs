using Cmd.IO;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Training;

/// <summary>A training checkpoint: model, optimizer, step, RNG and config in one safetensors file; exported weights; fine-tuning starts.</summary>
public class TrainingCheckpointTests
{
    [Fact]
    public void CheckpointNamesTheFloat32MatmulPrecisionItWasTrainedWith()
    {
        string dir = Fixtures.TempDir("cmd-trainer");
        var (m, b) = TrainerTests.TinySetup();
        using (Cmd.Runtime.MatmulPrecision.Use(Cmd.Runtime.Fp32Matmul.Bf16))
        {
            AutoencoderTraining.Train(m, b, AutoencoderTraining.Options(m.Config) with
            {
                Steps = 1, Progress = false, OutDir = dir,
            });
            Assert.Equal(Cmd.Runtime.Fp32Matmul.Bf16, Cmd.Runtime.MatmulPrecision.Current);   // the steps kept it
        }
        var file = SafeTensorsFile.Open(Path.Combine(dir, TrainingCheckpoint.FileName));
        Assert.Equal("bf16", file.Metadata[ModelMetadata.Fp32MatmulKey]);
    }

    [Fact]
    public void CheckpointHoldsModelOptimizerStepRngAndConfig()
    {
        string dir = Fixtures.TempDir("cmd-trainer");
        var (m, b) = TrainerTests.TinySetup();
        AutoencoderTraining.Train(m, b, AutoencoderTraining.Options(m.Config) with { Steps = 2, Progress = false, OutDir = dir });
        var path = Path.Combine(dir, TrainingCheckpoint.FileName);
        var file = SafeTensorsFile.Open(path);
        Assert.Equal("2", file.Metadata["step"]);
        Assert.Equal(ModelMetadata.Autoencoder, file.Metadata["model_kind"]);
        Assert.Equal(m.Config, AutoencoderConfig.FromJson(file.Metadata["model_config"]));
        Assert.Contains("\"LearningRate\":0.002", file.Metadata["training"]);
        Assert.Equal("ieee", file.Metadata[ModelMetadata.Fp32MatmulKey]);            // float32 products exact
        var t = file.ReadAll();
        Assert.Contains("model.patch_embed.weight", t.Keys);
        Assert.Contains("optimizer.patch_embed.weight.exp_avg", t.Keys);
        Assert.Contains("optimizer.patch_embed.weight.exp_avg_sq", t.Keys);
        Assert.Equal(2f, t["optimizer.patch_embed.weight.step"].item<float>());
        Assert.Equal(ScalarType.Byte, t[TrainingCheckpoint.RngKey].dtype);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        // the weights load back into a model built from the stored config
        var loaded = ModelStore.LoadAutoencoder(path);
        foreach (var (name, p) in m.named_parameters())
            Assert.True(p.sub(loaded.get_parameter(name)!).abs().max().item<float>() == 0f);
        // exported weights alone load the same model
        var weights = Path.Combine(dir, "weights.safetensors");
        TrainingCheckpoint.ExportWeights(path, weights);
        Assert.DoesNotContain(SafeTensorsFile.Open(weights).Tensors, e => e.Name.StartsWith("optimizer."));
        var fromWeights = ModelStore.LoadAutoencoder(weights);
        foreach (var (name, p) in m.named_parameters())
            Assert.True(p.sub(fromWeights.get_parameter(name)!).abs().max().item<float>() == 0f);

        // fine-tuning start: every weight copied except the prefixes kept fresh
        manual_seed(7);
        using var tuned = new CmdAutoencoder(m.Config);
        var init = tuned.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter.detach().clone());
        var fresh = AutoencoderTraining.InitFrom(tuned, weights, ["importance_head."]);
        Assert.Equal(["importance_head.proj.weight", "importance_head.proj.bias"], fresh.OrderByDescending(k => k).ToArray());
        foreach (var (name, p) in tuned.named_parameters())
        {
            var expected = name.StartsWith("importance_head.") ? init[name] : m.get_parameter(name)!;   // kept fresh (zeros), or copied
            Assert.True(p.sub(expected).abs().max().item<float>() == 0f, $"{name} wrong after InitFrom");
        }
        // a head of another shape (frame-level importance) starts fresh while the rest loads
        using var frameLevel = new CmdAutoencoder(m.Config with { Importance = ImportanceGranularity.Frame });
        Assert.Equal(["importance_head.frame_proj.weight", "importance_head.frame_proj.bias"],
            AutoencoderTraining.InitFrom(frameLevel, weights, ["importance_head."]).OrderByDescending(k => k).ToArray());
        Assert.Contains("no parameter starts with", Assert.Throws<ArgumentException>(() => AutoencoderTraining.InitFrom(tuned, weights, ["importance."])).Message);
    }
}
