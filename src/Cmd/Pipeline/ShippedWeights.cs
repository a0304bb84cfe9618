using Cmd.Data;

namespace Cmd.Pipeline;

/// <summary>
/// The trained `small` models that ship with the workbench in data/weights/small/ (PyTorch key names, config in the
/// metadata, float16: the loaders upcast; how they were trained is in that folder's README). `workbench sample` and
/// `make demo` use them when no run is given; training continues from them with --init.
/// </summary>
public sealed record ShippedWeights(string Folder)
{
    public static ShippedWeights Small => new(Path.Combine(RepoData.DataDirectory, "weights", "small"));

    public string Autoencoder => Path.Combine(Folder, "autoencoder.safetensors");
    public string Content => Path.Combine(Folder, "content.safetensors");
    public string Motion => Path.Combine(Folder, "motion.safetensors");

    public bool Available => File.Exists(Autoencoder) && File.Exists(Content) && File.Exists(Motion);
}
