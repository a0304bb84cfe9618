using System.Security.Cryptography;
using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using static TorchSharp.torch;

namespace Cmd.Studies;

/// <summary>
/// The FVD detector a study names: "fvd-local" (the shipped Moving MNIST detector, FVD-local), "fvd-local:&lt;weights&gt;",
/// or "i3d:&lt;StyleGAN-V i3d_torchscript.pt&gt;" (the paper's I3D protocol; "i3d" alone reads WORKBENCH_I3D_TORCHSCRIPT).
/// </summary>
public sealed record DetectorSpec(string Kind, string? Path)
{
    public static DetectorSpec Parse(string text, string source)
    {
        var (kind, path) = text.IndexOf(':') is int i and > 0 ? (text[..i], text[(i + 1)..]) : (text, null);
        return kind.ToLowerInvariant() switch
        {
            "fvd-local" => new DetectorSpec("fvd-local", path),
            "i3d" => new DetectorSpec("i3d", path),
            _ => throw new StudyException($"{source}: unknown detector '{text}' (fvd-local, fvd-local:<weights>, i3d:<i3d_torchscript.pt>)"),
        };
    }

    /// <summary>The weights file this spec resolves to.</summary>
    public string File => Kind != "i3d" ? FvdEvaluation.LocalDetectorPath(Path)
        : Path ?? (Environment.GetEnvironmentVariable(StyleGanVDetector.EnvironmentVariable) is { Length: > 0 } env ? env
            : throw new StudyException($"detector i3d needs StyleGAN-V's i3d_torchscript.pt: i3d:<path> or {StyleGanVDetector.EnvironmentVariable} (never downloaded)"));

    /// <summary>What goes into a cell's config key: the kind and the weights' SHA-256 (not their path).</summary>
    public string Identity => $"{Kind}:{Sha256(File)}";

    /// <summary>The detector, on the device (FVD-local runs on the CPU).</summary>
    public IVideoDetector Open(Device device) => Kind == "i3d"
        ? new StyleGanVDetector(File, device)
        : LocalFvdDetector.Load(File);

    /// <summary>Frame channels the detector takes: FVD-local its trained channels; I3D RGB or grey (repeated to RGB).</summary>
    public static int[] Channels(IVideoDetector d) => d is LocalFvdDetector local ? [local.Model.Channels] : [1, 3];

    static readonly Dictionary<string, string> Hashes = new();

    /// <summary>SHA-256 (first 16 hex digits) of a file, or a clear error when it is missing.</summary>
    public static string Sha256(string file)
    {
        lock (Hashes)
        {
            var full = System.IO.Path.GetFullPath(file);
            if (Hashes.TryGetValue(full, out var h)) return h;
            if (!System.IO.File.Exists(full)) throw new FileNotFoundException($"{file} does not exist", file);
            using var stream = System.IO.File.OpenRead(full);
            return Hashes[full] = Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
        }
    }
}
