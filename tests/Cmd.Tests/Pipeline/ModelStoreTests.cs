using Cmd.IO;
using Cmd.Pipeline;
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
}
