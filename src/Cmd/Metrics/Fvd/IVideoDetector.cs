using static TorchSharp.torch;

namespace Cmd.Metrics.Fvd;

/// <summary>A video feature extractor for an FVD protocol. Every FVD the workbench prints names its protocol and detector.</summary>
public interface IVideoDetector
{
    /// <summary>e.g. "FVD-local (mmnist-c3d, 128-d)" or "FVD StyleGAN-V (i3d_torchscript.pt, 400-d)".</summary>
    string Protocol { get; }
    string DetectorName { get; }
    int FeatureDim { get; }

    /// <summary>Features [B, FeatureDim] of videos [B, L, C, H, W] in [-1, 1].</summary>
    Tensor Features(Tensor videos);
}

/// <summary>FVD-local: the workbench-trained (2+1)D classifier's penultimate features.</summary>
public sealed class LocalFvdDetector(LocalVideoDetector model, string name) : IVideoDetector, IDisposable
{
    public LocalVideoDetector Model => model;
    public string Protocol => "FVD-local";
    public string DetectorName => name;
    public int FeatureDim => LocalVideoDetector.FeatureDim;

    public Tensor Features(Tensor videos)
    {
        using var _ = no_grad();
        model.eval();
        return model.Features(videos);
    }

    public static LocalFvdDetector Load(string path) => new(LocalVideoDetector.Load(path), Path.GetFileNameWithoutExtension(path));

    public void Dispose() => model.Dispose();
}
