using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Cmd.Runtime;

/// <summary>
/// Checks libtorch's convolution gradients on this CPU and turns oneDNN's convolutions off where they are wrong.
/// libtorch 2.10's oneDNN 3.7.1 (jit:avx512_core, backward_data) returns a wrong input gradient for convolutions with few
/// channels on some CPUs: on 2026-12-04's AMD EPYC (family 26, a VM that reports no cache sizes) a 3x3 convolution of
/// 8 channels at batch 2 came back with NaN or 14-70% off, and a 25x1 one of 1 channel 21-24% off, changing between
/// calls and with the thread count, while the forward pass and the weight gradient were right (ONEDNN_MAX_CPU_ISA=AVX2
/// made them right too). <see cref="Apply"/> compares such gradients with a float64 im2col reference; if one is off,
/// it turns oneDNN (and NNPACK, which would warn on every call instead) off for convolutions, as
/// torch.backends.mkldnn.enabled = False does, so libtorch takes its own im2col kernels, and checks again.
/// CMD_ONEDNN_CONV=keep leaves oneDNN on.
/// </summary>
public static class ConvolutionCheck
{
    public const string OptOutVariable = "CMD_ONEDNN_CONV";

    /// <summary>Largest relative error of a gradient against the float64 reference that counts as right.</summary>
    public const double Tolerance = 1e-4;

    static readonly object gate = new();

    /// <summary>What <see cref="Apply"/> found and did, in a few words (null before it ran).</summary>
    public static string? Status { get; private set; }

    /// <summary>Call once libtorch may load (after <see cref="MklDispatch.Apply"/>). Idempotent; returns
    /// <see cref="Status"/>.</summary>
    public static string Apply()
    {
        lock (gate) return Status ??= Run();
    }

    static string Run()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return "not checked (not Linux x86-64)";
        double error = WorstError();
        if (error <= Tolerance) return $"right (oneDNN on; worst relative error {error:E1})";
        if (string.Equals(Environment.GetEnvironmentVariable(OptOutVariable), "keep", StringComparison.OrdinalIgnoreCase))
            return $"WRONG with oneDNN (relative error {error:E1}), kept on by {OptOutVariable}=keep";
        try
        {
            UseOneDnn(false);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return $"WRONG with oneDNN (relative error {error:E1}) and it could not be turned off: {e.Message}";
        }
        double after = WorstError();
        return after <= Tolerance
            ? $"oneDNN off: its gradients were wrong here (relative error {error:E1}); now {after:E1}"
            : $"WRONG (relative error {error:E1} with oneDNN, {after:E1} without)";
    }

    /// <summary>Whether libtorch may run convolutions in oneDNN (torch.backends.mkldnn.enabled).</summary>
    public static bool OneDnnEnabled => UserEnabledMkldnn(GlobalContext());

    /// <summary>Lets libtorch run convolutions in oneDNN, or not (then NNPACK is off too): what `bench conv` compares.</summary>
    public static void UseOneDnn(bool on)
    {
        var context = GlobalContext();
        SetUserEnabledMkldnn(context, on);
        SetUserEnabledNnpack(context, on);
    }

    /// <summary>The worst relative error of the input gradients of the convolutions oneDNN got wrong, three calls
    /// each (the error came and went between calls).</summary>
    public static double WorstError()
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        (int Batch, int Channels, int Size, int KernelH, int KernelW)[] cases =
            [(2, 8, 32, 3, 3), (4, 1, 32, 25, 1), (2, 4, 16, 3, 3)];              // the shapes seen wrong
        double worst = 0;
        foreach (var (batch, channels, size, kh, kw) in cases)
            for (int call = 0; call < 3; call++)
                worst = Math.Max(worst, InputGradientError(batch, channels, size, kh, kw));
        return worst;
    }

    /// <summary>d(Σ conv(x, w) · g)/dx from libtorch against fold(wᵀ g) in float64, relative to the largest entry.</summary>
    static double InputGradientError(int batch, int channels, int size, int kh, int kw)
    {
        using var generator = new Generator(7UL);
        var w = randn(new long[] { channels, channels, kh, kw }, generator: generator);
        var x = randn(new long[] { batch, channels, size, size }, generator: generator).requires_grad_(true);
        var y = nn.functional.conv2d(x, w, padding: [kh / 2, kw / 2]);
        var g = randn(y.shape, generator: generator);
        (y * g).sum().backward();
        var columns = w.to(float64).view(channels, -1).t().matmul(g.to(float64).view(batch, channels, -1));
        var reference = nn.functional.fold(columns, (size, size), (kh, kw), padding: (kh / 2, kw / 2));
        double scale = reference.abs().max().item<double>();
        var difference = (x.grad!.to(float64) - reference).abs().max().item<double>();
        return double.IsNaN(difference) ? double.PositiveInfinity : difference / scale;
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.I1)]
    static extern bool UserEnabledMkldnn(IntPtr context);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.I1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.I1)] bool enabled);
}
