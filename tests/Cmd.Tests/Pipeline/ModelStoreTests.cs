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
}
