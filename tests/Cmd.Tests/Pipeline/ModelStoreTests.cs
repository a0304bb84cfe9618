using Cmd.IO;
using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Pipeline;

/// <summary>Loading models from run folders and files: what a file resolves to, and clear errors for the wrong file.</summary>
public class ModelStoreTests
{
    [Fact]
    public void LoadingAWrongFileIsAClearError()
    {
        string dir = Fixtures.TempDir("cmd-trainer");
        var path = Path.Combine(dir, "x.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = zeros(2) });
        Assert.Contains("not a CMD autoencoder checkpoint", Assert.Throws<InvalidDataException>(() => ModelStore.LoadAutoencoder(path)).Message);
        Assert.Contains("checkpoint not found", Assert.Throws<FileNotFoundException>(() => ModelStore.LoadAutoencoder(path + ".nope")).Message);
    }

    /// <summary>A checkpoint of <paramref name="model"/> as the trainers write it, declaring <paramref name="kind"/>.</summary>
    static string Checkpoint(string dir, string name, TorchSharp.torch.nn.Module model, string kind, string configJson)
    {
        var path = Path.Combine(dir, name);
        TrainingCheckpoint.Save(path, model, null, 3, ModelMetadata.For(kind, configJson));
        return path;
    }

    [Fact]
    public void AWrongKindOfFileIsAClearErrorNamingTheFile()
    {
        var dir = Fixtures.TempDir("model-store");
        using var motion = new MotionDiT(RunPresets.Tiny.Motion);
        var motionFile = Checkpoint(dir, "motion.safetensors", motion, ModelMetadata.Motion, RunPresets.Tiny.Motion.ToJson());
        using var ae = new CmdAutoencoder(RunPresets.Tiny.Autoencoder);
        var aeFile = Checkpoint(dir, "ae.safetensors", ae, ModelMetadata.Autoencoder, RunPresets.Tiny.Autoencoder.ToJson());
        var pairsFile = Path.Combine(dir, "pairs.safetensors");
        using (var pairs = PipelineFixtures.TinyPairs(2)) pairs.Save(pairsFile);

        void Refused(Action load, string file, string found, string expected)
        {
            var message = Assert.Throws<InvalidDataException>(load).Message;
            Assert.Contains(file, message);
            Assert.Contains($"is '{found}', expected '{expected}'", message);
        }
        Refused(() => ModelStore.LoadContent(motionFile), motionFile, ModelMetadata.Motion, ModelMetadata.Content);
        Refused(() => ModelStore.LoadCubic(motionFile), motionFile, ModelMetadata.Motion, ModelMetadata.Cubic);
        Refused(() => ModelStore.LoadMotion(aeFile), aeFile, ModelMetadata.Autoencoder, ModelMetadata.Motion);
        Refused(() => ModelStore.LoadAutoencoder(motionFile), motionFile, ModelMetadata.Motion, ModelMetadata.Autoencoder);
        Refused(() => ModelStore.LoadMotion(pairsFile), pairsFile, "missing", ModelMetadata.Motion);   // latent pairs, not a model
        Assert.Contains("not a CMD autoencoder checkpoint", Assert.Throws<InvalidDataException>(() => ModelStore.LoadAutoencoder(pairsFile)).Message);
        // the right kind loads
        Assert.Equal(RunPresets.Tiny.Motion, ModelStore.LoadMotion(motionFile).Model.Config);
    }

    [Fact]
    public void ARunFolderWithoutACheckpointIsAClearErrorNamingTheFile()
    {
        var dir = Fixtures.TempDir("model-store");
        var message = Assert.Throws<FileNotFoundException>(() => ModelStore.LoadMotion(dir)).Message;
        Assert.Contains("model file not found", message);
        Assert.Contains(Path.Combine(dir, TrainingCheckpoint.FileName), message);
    }

    [Fact]
    public void ExportedWeightsHavePyTorchKeysTheirConfigAndLoadBackFromHalfPrecision()
    {
        var dir = Fixtures.TempDir("model-store-export");
        var run = Path.Combine(dir, "content");
        Directory.CreateDirectory(run);
        var config = RunPresets.Tiny.ContentDiT;
        manual_seed(1);
        using var model = new DiT(config);
        Checkpoint(run, TrainingCheckpoint.FileName, model, ModelMetadata.Content, System.Text.Json.JsonSerializer.Serialize(config));
        var out16 = Path.Combine(dir, "content-f16.safetensors");
        Assert.Equal(Path.Combine(run, TrainingCheckpoint.FileName), ModelStore.ExportWeights(run, out16, storage: ScalarType.Float16));
        var file = SafeTensorsFile.Open(out16);
        Assert.All(file.Tensors, t => Assert.False(t.Name.StartsWith("model.") || t.Name.StartsWith("optimizer.") || t.Name == TrainingCheckpoint.RngKey, t.Name));
        Assert.All(file.Tensors, t => Assert.Equal("F16", t.DType));
        Assert.Equal(ModelMetadata.Content, file.Metadata[ModelMetadata.KindKey]);
        var loaded = ModelStore.LoadContent(out16);
        foreach (var (name, p) in model.named_parameters())
        {
            var back = loaded.Model.get_parameter(name)!;
            Assert.Equal(ScalarType.Float32, back.dtype);
            Assert.True(p.allclose(back, rtol: 1e-3, atol: 1e-4), name);
        }
        Assert.Throws<ArgumentException>(() => ModelStore.ExportWeights(run, out16, storage: ScalarType.Int32));
    }
}
