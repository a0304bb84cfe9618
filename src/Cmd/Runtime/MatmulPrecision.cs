using System.Runtime.InteropServices;

namespace Cmd.Runtime;

/// <summary>How oneDNN multiplies float32 matrices: exactly (IEEE, libtorch's default) or with bfloat16 inputs and
/// float32 sums (PyTorch's <c>torch.backends.mkldnn.matmul.fp32_precision = "bf16"</c>).</summary>
public enum Fp32Matmul { Ieee, Bf16 }

/// <summary>
/// The float32 matmul precision of libtorch's oneDNN path, which TorchSharp 0.107 does not wrap (its
/// <c>set_float32_matmul_precision</c> is marked not implemented). With <see cref="Fp32Matmul.Bf16"/>, float32
/// products (Linear forward and backward, matmul, bmm) round their inputs to bfloat16 inside oneDNN and sum in
/// float32: tensors, weights and optimizer stay float32, and no model changes. On CPUs with AMX or AVX512_BF16 this is
/// the fast path (2026-12-06, Intel Xeon with AMX, 2 threads: 580-790 GFLOP/s against 150-260 exact at the
/// autoencoder's shapes; relative error 2-3e-3 against 4-7e-7). Attention is kept exact by
/// <see cref="PrecisionFence"/>. The setting is the process's, not a thread's.
/// </summary>
public static class MatmulPrecision
{
    // at::Float32Backend { GENERIC, CUDA, MKLDNN }, at::Float32Op { ALL, CONV, RNN, MATMUL },
    // at::Float32Precision { NONE, IEEE, TF32, BF16 } (ATen/Context.h, libtorch 2.10)
    const int MkldnnBackend = 2, MatmulOp = 3, NonePrecision = 0, IeeePrecision = 1, Bf16Precision = 3;

    static Fp32Matmul current = Fp32Matmul.Ieee;                       // libtorch starts at NONE, which is IEEE

    /// <summary>The precision set now (kept here, so that reading it calls nothing native).</summary>
    public static Fp32Matmul Current => current;

    /// <summary>"ieee" or "bf16", as the CLI option and checkpoints spell them.</summary>
    public static string Name(Fp32Matmul precision) => precision == Fp32Matmul.Bf16 ? "bf16" : "ieee";

    /// <summary>Sets the precision for the whole process and checks libtorch took it.</summary>
    public static void Set(Fp32Matmul precision)
    {
        Write(precision);
        int read = Float32Precision(GlobalContext(), MkldnnBackend, MatmulOp);
        bool taken = precision == Fp32Matmul.Bf16 ? read == Bf16Precision : read is NonePrecision or IeeePrecision;
        if (!taken) current = read == Bf16Precision ? Fp32Matmul.Bf16 : Fp32Matmul.Ieee;   // what libtorch holds
        if (!taken)
            throw new InvalidOperationException($"libtorch did not take --fp32-matmul {Name(precision)} (read {read})");
    }

    /// <summary>Sets <paramref name="precision"/> until disposed, then restores the one before (calls nothing native
    /// when it is already set).</summary>
    public static IDisposable Use(Fp32Matmul precision)
    {
        if (current == precision) return Unchanged.Instance;
        var before = current;
        Set(precision);
        return new Restore(before);
    }

    /// <summary>Sets the precision without the check: for autograd backward functions, which must not throw.</summary>
    internal static void Write(Fp32Matmul precision)
    {
        SetFloat32Precision(GlobalContext(), MkldnnBackend, MatmulOp,
            precision == Fp32Matmul.Bf16 ? Bf16Precision : IeeePrecision);
        current = precision;
    }

    /// <summary>The CPU's bfloat16 product instructions, "AMX" or "AVX512_BF16" (null: neither).</summary>
    public static string? CpuBf16 => CpuFlags() is var flags && flags.Contains("amx_bf16") ? "AMX"
        : flags.Contains("avx512_bf16") ? "AVX512_BF16" : null;

    /// <summary>Why bfloat16 products would not be the fast path here (null: they are): oneDNN turned off (then
    /// products stay float32), or a CPU without AMX and AVX512_BF16 (oneDNN may then round in software).</summary>
    public static string? Bf16Unavailable() =>
        !ConvolutionCheck.OneDnnEnabled ? "oneDNN is off on this CPU (its convolutions' gradients are wrong here)"
        : CpuBf16 is null ? "this CPU has neither AMX nor AVX512_BF16 (bfloat16 products would be emulated)"
        : null;

    static HashSet<string> CpuFlags()
    {
        const string info = "/proc/cpuinfo";
        if (!File.Exists(info)) return [];
        var line = File.ReadLines(info).FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
        return [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
    }

    sealed class Restore(Fp32Matmul before) : IDisposable
    {
        public void Dispose() => Set(before);
    }

    sealed class Unchanged : IDisposable
    {
        public static readonly Unchanged Instance = new();
        public void Dispose() { }
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu",
        EntryPoint = "_ZN2at7Context19setFloat32PrecisionENS_14Float32BackendENS_9Float32OpENS_16Float32PrecisionE")]
    static extern void SetFloat32Precision(IntPtr context, int backend, int op, int precision);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context16float32PrecisionENS_14Float32BackendENS_9Float32OpE")]
    static extern int Float32Precision(IntPtr context, int backend, int op);
}
