using System.Diagnostics;
using System.Text.Json;
using Cmd.Runtime;

namespace Cmd.Benchmarks;

/// <summary>
/// Debian's PyTorch (python3-torch 1.13) as the reference side of a benchmark, run the fair way: Debian's OpenBLAS (OpenMP
/// build) first on LD_LIBRARY_PATH (else torch uses netlib's reference BLAS, ~25x slower), OPENBLAS_CORETYPE chosen from
/// this CPU's flags (Debian's OpenBLAS 0.3.21 predates the CPUs here: it runs "Prescott" kernels on the AVX-512 Xeon and
/// "Haswell" AVX2 kernels on the AVX-512 EPYC), and as many threads as libtorch uses here. OPENBLAS_VERBOSE=2 makes
/// OpenBLAS name the kernel it loaded ("Core: SkylakeX"), which <see cref="Output.BlasCore"/> reports.
/// </summary>
public sealed record PyTorchReference(string Python, string? OpenBlasDir, string? CoreType, int Threads)
{
    public const string DefaultPython = "/usr/bin/python3";
    public const string DebianOpenBlas = "/usr/lib/x86_64-linux-gnu/openblas-openmp";

    /// <summary>The reference for this machine: OpenBLAS from <paramref name="openBlasDir"/> or Debian's folder when installed,
    /// the core type given or <see cref="OpenBlasCoreFor"/> the CPU's flags.</summary>
    public static PyTorchReference ForThisMachine(int threads, string? openBlasDir = null, string? coreType = null, string python = DefaultPython)
    {
        if (openBlasDir is not null && !File.Exists(Path.Combine(openBlasDir, "libblas.so.3")))
            throw new ArgumentException($"--openblas {openBlasDir}: no libblas.so.3 there (expected Debian's libopenblas0-openmp folder, e.g. {DebianOpenBlas})");
        string? dir = openBlasDir ?? (File.Exists(Path.Combine(DebianOpenBlas, "libblas.so.3")) ? DebianOpenBlas : null);
        return new PyTorchReference(python, dir, dir is null ? null : coreType ?? OpenBlasCoreFor(MachineInfo.CpuFlags()), threads);
    }

    /// <summary>
    /// The OpenBLAS kernel family for these CPU flags: SkylakeX for AVX-512 (F, CD, BW, DQ, VL: its sgemm is the fastest
    /// 0.3.21 has; Cooperlake adds only bf16 kernels), Haswell for AVX2 with FMA, else null (OpenBLAS's own choice).
    /// </summary>
    public static string? OpenBlasCoreFor(IReadOnlySet<string> flags) =>
        new[] { "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl" }.All(flags.Contains) ? "SkylakeX"
        : flags.Contains("avx2") && flags.Contains("fma") ? "Haswell"
        : null;

    /// <summary>Null when <see cref="Python"/> runs and imports torch, else why not (one line).</summary>
    public string? Unavailable()
    {
        if (!File.Exists(Python)) return $"{Python} not found (apt-get install python3-torch)";
        try
        {
            var o = Run(["-c", "import torch, json; print(json.dumps({'torch': torch.__version__}))"]);
            return o.Json.TryGetProperty("torch", out _) ? null : "torch did not answer";
        }
        catch (InvalidOperationException e) { return e.Message; }
    }

    /// <summary>What a script printed last (one JSON line) and the OpenBLAS kernel it loaded.</summary>
    public sealed record Output(JsonElement Json, string? BlasCore);

    /// <summary>Runs the script (or "-c code") with this reference's environment; the last stdout line must be JSON.</summary>
    public Output Run(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var psi = StartInfo(arguments);
        Process p;
        try { p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Python}"); }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException($"could not start {Python}: {e.Message}"); }
        using (p)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(20)))
            {
                p.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{Python} {string.Join(' ', psi.ArgumentList.Take(1))} did not finish in time");
            }
            var errLines = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"PyTorch side failed (exit {p.ExitCode}): {errLines.LastOrDefault() ?? "no message"}");
            var last = stdout.Result.Trim().Split('\n').Last();
            return new Output(ParseJson(last), BlasCoreIn(errLines));
        }
    }

    /// <summary>A line the PyTorch side printed, as JSON, or a one-line error quoting it.</summary>
    internal static JsonElement ParseJson(string line)
    {
        try { using var doc = JsonDocument.Parse(line); return doc.RootElement.Clone(); }
        catch (JsonException) { throw new InvalidOperationException($"PyTorch side printed no JSON line (last line: '{line}')"); }
    }

    /// <summary>The kernel OpenBLAS named on stderr ("Core: SkylakeX" with OPENBLAS_VERBOSE=2), or null.</summary>
    internal static string? BlasCoreIn(IEnumerable<string> stderrLines) =>
        stderrLines.LastOrDefault(l => l.StartsWith("Core:", StringComparison.Ordinal))?["Core:".Length..].Trim();

    /// <summary>How a script (or "-c code") is started: this reference's Python, OpenBLAS, core type and threads.</summary>
    internal ProcessStartInfo StartInfo(IEnumerable<string> arguments, bool input = false)
    {
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input, UseShellExecute = false,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        if (psi.ArgumentList.Count > 0 && psi.ArgumentList[0] != "-c" && !File.Exists(psi.ArgumentList[0]))
            throw new FileNotFoundException($"PyTorch benchmark script not found: {psi.ArgumentList[0]}", psi.ArgumentList[0]);
        if (OpenBlasDir is not null)
        {
            psi.Environment["LD_LIBRARY_PATH"] = OpenBlasDir + (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") is { Length: > 0 } old ? ":" + old : "");
            psi.Environment["OPENBLAS_VERBOSE"] = "2";
            if (CoreType is not null) psi.Environment["OPENBLAS_CORETYPE"] = CoreType;
        }
        string threads = Threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["OMP_NUM_THREADS"] = threads;
        psi.Environment["BENCH_THREADS"] = threads;
        return psi;
    }

    /// <summary>The kernel OpenBLAS picks by itself on this CPU (no OPENBLAS_CORETYPE), from a tiny matmul; null without OpenBLAS.</summary>
    public string? OwnOpenBlasCore() => OpenBlasDir is null ? null
        : (this with { CoreType = null }).Run(["-c", "import torch, json; torch.ones(64, 64) @ torch.ones(64, 64); print(json.dumps({}))"]).BlasCore;

    /// <summary>e.g. "PyTorch 1.13.0a0, OpenBLAS core SkylakeX (OPENBLAS_CORETYPE=SkylakeX), 1 thread".</summary>
    public string Describe(string torchVersion, string? reportedCore) =>
        $"PyTorch {torchVersion}, " + (OpenBlasDir is null
            ? "its default BLAS (no OpenBLAS found: install libopenblas0-openmp)"
            : $"OpenBLAS core {reportedCore ?? "?"}" + (CoreType is null ? "" : $" (OPENBLAS_CORETYPE={CoreType})")) +
        $", {Threads} thread{(Threads == 1 ? "" : "s")}";
}
