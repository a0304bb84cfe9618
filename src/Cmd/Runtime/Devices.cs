using static TorchSharp.torch;

namespace Cmd.Runtime;

/// <summary>Chooses the torch device from a user's option: cpu, cuda or auto.</summary>
public static class Devices
{
    public static readonly string[] Choices = { "auto", "cpu", "cuda" };

    public static Device Resolve(string choice) => choice.ToLowerInvariant() switch
    {
        "cpu" => CPU,
        "cuda" => cuda.is_available() ? CUDA
            : throw new ArgumentException("--device cuda was asked for but CUDA is not available (this build uses the TorchSharp-cpu backend or no GPU is present); use --device cpu or auto"),
        "auto" => cuda.is_available() ? CUDA : CPU,
        _ => throw new ArgumentException($"unknown device '{choice}' (expected one of: {string.Join(", ", Choices)})"),
    };
}
