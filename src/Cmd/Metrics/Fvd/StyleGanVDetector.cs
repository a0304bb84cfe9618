using static TorchSharp.torch;

namespace Cmd.Metrics.Fvd;

/// <summary>
/// FVD as StyleGAN-V computes it (Skorokhodov et al. 2022; the protocol the CMD paper follows, appendix B.4): the
/// TorchScript I3D (<c>i3d_torchscript.pt</c>, Kinetics-400) that the user brings, called as StyleGAN-V does:
/// <c>detector(videos, rescale=True, resize=True, return_features=True)</c> on uint8 videos [B, 3, T, H, W]
/// (grayscale repeated to 3 channels), giving 400-d features. Videos here are [B, L, C, H, W] in [-1, 1] and are
/// quantised like StyleGAN-V's generator output: (x * 127.5 + 128).clamp(0, 255).to(uint8).
/// </summary>
public sealed class StyleGanVDetector : IVideoDetector, IDisposable
{
    public const string EnvironmentVariable = "WORKBENCH_I3D_TORCHSCRIPT";
    public const int Frames = 16;

    readonly jit.ScriptModule module;
    readonly Device device;

    public string Path { get; }
    public string Protocol => "FVD StyleGAN-V";
    public string DetectorName => System.IO.Path.GetFileName(Path);
    public int FeatureDim { get; private set; } = 400;

    public StyleGanVDetector(string path, Device? device = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: I3D TorchScript file not found (StyleGAN-V's i3d_torchscript.pt; give it with --i3d or {EnvironmentVariable})", path);
        Path = path;
        this.device = device ?? CPU;
        try { module = jit.load(path, this.device); }
        catch (Exception e) { throw new InvalidDataException($"{path}: not a loadable TorchScript module ({e.Message.Split('\n')[0]})", e); }
        module.eval();
    }

    /// <summary>The path from an option, else the environment variable; a clear error when neither is set.</summary>
    public static string ResolvePath(string? option) =>
        !string.IsNullOrEmpty(option) ? option
        : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env
        : throw new ArgumentException($"no I3D detector: pass --i3d /path/to/i3d_torchscript.pt or set {EnvironmentVariable} (the workbench never downloads it)");

    /// <summary>[B, L, C, H, W] in [-1, 1] -> uint8 [B, 3, L, H, W] as StyleGAN-V feeds its detector (square centre crop if needed).</summary>
    public static Tensor ToDetectorInput(Tensor videos)
    {
        if (videos.dim() != 5 || (videos.shape[2] != 1 && videos.shape[2] != 3))
            throw new ArgumentException($"videos must be [B, L, C in (1, 3), H, W], got [{string.Join(", ", videos.shape)}]");
        var v = videos;
        long h = v.shape[3], w = v.shape[4];
        if (h != w)
        {
            long s = Math.Min(h, w);
            v = v[.., .., .., TensorIndex.Slice((h - s) / 2, (h - s) / 2 + s), TensorIndex.Slice((w - s) / 2, (w - s) / 2 + s)];
        }
        var u8 = (v * 127.5 + 128).clamp(0, 255).to(ScalarType.Byte);
        if (u8.shape[2] == 1) u8 = u8.repeat(1, 1, 3, 1, 1);
        return u8.permute(0, 2, 1, 3, 4).contiguous();
    }

    public Tensor Features(Tensor videos)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = ToDetectorInput(videos).to(device);
        var output = module.invoke("forward", input, true, true, true) as Tensor
            ?? throw new InvalidDataException($"{Path}: forward(videos, rescale, resize, return_features) did not return a tensor");
        if (output.dim() != 2 || output.shape[0] != videos.shape[0])
            throw new InvalidDataException($"{Path}: expected features [B, D], got [{string.Join(", ", output.shape)}]");
        FeatureDim = (int)output.shape[1];
        return output.to(ScalarType.Float32).cpu().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// StyleGAN-V's sampling: one random clip of <paramref name="frames"/> consecutive frames per video
    /// (random offset), videos shorter than that discarded. Video: [T, C, H, W].
    /// </summary>
    public static Tensor? RandomClip(Tensor video, Random rng, int frames = Frames)
    {
        long t = video.shape[0];
        if (t < frames) return null;
        long start = rng.NextInt64(0, t - frames + 1);
        return video[TensorIndex.Slice(start, start + frames)];
    }

    public void Dispose() => module.Dispose();
}
