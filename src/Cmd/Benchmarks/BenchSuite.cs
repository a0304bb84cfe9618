using System.Globalization;
using Cmd.Metrics.Efficiency;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Runtime;
using static TorchSharp.torch;

namespace Cmd.Benchmarks;

/// <summary>What `workbench bench all` (make bench) measures and at which size; <see cref="Quick"/> is the tests' tiny size.</summary>
public sealed record BenchOptions
{
    public bool Quick { get; init; }
    /// <summary>Time the PyTorch sides too (Debian's python3-torch; skipped with a note where it is missing).</summary>
    public bool PyTorch { get; init; } = true;
    public string? OpenBlasDir { get; init; }
    public string? OpenBlasCore { get; init; }
    /// <summary>Folder of dit_step.py, autoencoder_step.py and common.py.</summary>
    public string ScriptDir { get; init; } = "bench";

    public string DiTModel => Quick ? "DiT-S/8" : "DiT-S/2";
    public int DiTBatch => Quick ? 1 : 8;
    public int DiTSteps => Quick ? 1 : 9;
    public string AutoencoderPreset => Quick ? "tiny" : "small";
    public int AutoencoderSteps => Quick ? 2 : 15;
    public int Warmup => Quick ? 1 : 2;
    public int MatmulSize => Quick ? 256 : 1024;
    public string SamplingPreset => Quick ? "tiny" : "small";
    public int[] SamplingVideos => Quick ? [1, 2] : [1, 16];
    public int SamplingRepeats => Quick ? 1 : 5;
}

/// <summary>CMD vs cubic sampling of some videos at once: measured seconds (steps x forward) and the FLOPs ratio.</summary>
public sealed record SamplingComparison(int Videos, EfficiencyMeasurement.Result Measured, double FlopsRatio)
{
    public double Speedup => Measured.Speedup;
    public double OfFlopsRatio => Speedup / FlopsRatio;
}

/// <summary>Everything one `bench all` run measured, and its Markdown page.</summary>
public sealed record BenchReport(
    BenchOptions Options, DateTime Utc, string Machine, string Flags, int Threads, string LibTorch, string? PyTorch, string? PyTorchSkipped,
    StepComparison DiT, StepComparison Autoencoder,
    StepTiming Loader, IReadOnlyList<SamplingComparison> Sampling, double Seconds, string Load, double? OtherCpuShare,
    string Damon = "not read")
{
    /// <summary>The same two steps with bfloat16 products (<c>--fp32-matmul bf16</c>), workbench only; null where this
    /// CPU or libtorch has none (<see cref="Bf16Skipped"/> says why).</summary>
    public StepComparison? DiTBf16 { get; init; }
    public StepComparison? AutoencoderBf16 { get; init; }
    public string? Bf16Skipped { get; init; }

    /// <summary>Why the run does not count as a benchmark (other processes took more than
    /// <see cref="OtherCpu.BusyShare"/> of the machine while it ran), or null.</summary>
    public string? Busy => OtherCpuShare > OtherCpu.BusyShare
        ? $"other processes used {F(100 * OtherCpuShare.Value, "F0")}% of the machine's CPU time while it ran" : null;

    public double LoaderShare => Loader.Median / (Loader.Median + Autoencoder.Workbench.Median);

    static string F(double v, string f = "F3") => v.ToString(f, CultureInfo.InvariantCulture);

    public string Markdown(string command)
    {
        var o = Options;
        var md = new System.Text.StringBuilder();
        md.AppendLine("# Benchmarks: training steps and sampling, this machine, one run");
        md.AppendLine();
        md.AppendLine($"Measured {Utc:yyyy-MM-dd HH:mm} UTC in {F(Seconds / 60, "F1")} min{(o.Quick ? " (--quick: tiny sizes, for tests; not a benchmark)" : "")} with");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(command);
        md.AppendLine("```");
        md.AppendLine();
        if (Busy is string busy)
        {
            md.AppendLine($"> **Not a benchmark: the machine was busy** ({busy}). Other jobs took cores from both sides and wall times are inflated unevenly (compare the CPU s/step column); run `make bench` alone on an idle machine.");
            md.AppendLine();
        }
        md.AppendLine("Every figure below comes from that one run; the medians are of timed steps after warm-up, the spread is min..max, CPU is the process's CPU seconds per step (all threads; on a busy machine wall time also counts waiting for a core). The speed of these machines drifts (by up to 2x within minutes): the sides of each comparison are therefore timed in turn, one step (or forward) of each per round with the side that goes first rotating, so that each round sees the same minutes on every side (the data loader is timed on its own); a training step's ratio in bold is the median of the rounds' ratios. Compare ratios and shares of the in-run matmul, not absolute times across runs.");
        md.AppendLine();
        md.AppendLine("How to run: `make bench` on an idle machine (it installs python3-torch, unpacks Debian's OpenBLAS for the PyTorch side and writes this page; about 4 minutes of measuring on 2 cores); `workbench bench all --quick` for a tiny check; one part at a time with `workbench bench dit`, `bench ae [--phases] [--products]`, `bench matmul`, `bench motion [--key-patch 4] [--pairs p] [--weights w]` (the motion DiT step the Table 4 studies repeat; not in `make bench`), `workbench efficiency --preset small --measure --videos 16`. The workbench side runs as every workbench command does: MKL's instruction-set path on non-Intel CPUs (`CMD_MKL_VENDOR_CHECK=keep` turns that off), libtorch's own kernels at AVX2 on non-Intel CPUs (`ATEN_CPU_CAPABILITY=avx512` keeps AVX-512; results/bench/motion-step.md, session 33) and freed memory kept (`CMD_KEEP_FREED_MEMORY=0` turns that off).");
        md.AppendLine();
        md.AppendLine("## Machine");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        md.AppendLine($"| CPU | {Machine} |");
        md.AppendLine($"| instruction sets | {Flags} |");
        md.AppendLine($"| threads (both sides) | {Threads} |");
        md.AppendLine($"| CPU time other processes used during the run | {(OtherCpuShare is double o2 ? F(100 * o2, "F1") + "% of the machine (over " + F(100 * OtherCpu.BusyShare, "F0") + "%: not a benchmark)" : "? (no /proc)")} |");
        md.AppendLine($"| load average (1 min) at start, at end | {Load} (counts the benchmark's own threads) |");
        md.AppendLine($"| kernel's DAMON pageout | {Damon} |");
        md.AppendLine($"| workbench | {LibTorch} |");
        md.AppendLine($"| PyTorch reference | {PyTorch ?? "not measured: " + PyTorchSkipped} |");
        foreach (var c in new[] { DiT, Autoencoder })
            md.AppendLine($"| fp32 matmul {o.MatmulSize}^3 between the {c.Step} steps | {MatmulCell(c)} |");
        md.AppendLine();
        md.AppendLine("## Training steps");
        md.AppendLine();
        md.AppendLine($"One step = zero grad (the gradients dropped on both sides, PyTorch 2's set_to_none), loss, backward, Adam, as the trainer takes it (DiT: 32x32x4 latents, 1000 classes, MSE to a random target, Adam 1e-4; autoencoder: a real Moving MNIST batch, the preset's L2 loss and Adam). FLOPs per step: the FLOP profiler's count of the forward (every Linear, convolution and attention matmul, 2 per multiply-add) x 3 for forward + backward; the same model on both sides. \"Of in-run matmul\" compares each side with its own matmul rate, timed over {MatmulRate.Yardstick.DefaultPerSample} products before each timed step (machine table above): the speed of these shared machines drifts by up to 2x within minutes, and a yardstick timed between the steps runs at the moments they do. The sides take their steps in turn (each round: one step of each side, the first side rotating, the machine left idle {F(Interleaved.DefaultSettle.TotalMilliseconds, "F0")} ms before each step); the PyTorch side is one process kept running, told over a pipe when to take its next step (`--serve` in bench/common.py).");
        md.AppendLine();
        md.AppendLine("| step | side | median s/step | spread | CPU s/step | GFLOP/step | GFLOP/s | of in-run matmul |");
        md.AppendLine("|---|---|---:|---|---:|---:|---:|---:|");
        foreach (var (c, bf16) in new[] { (DiT, DiTBf16), (Autoencoder, AutoencoderBf16) })
        {
            Row(md, c.Step, "workbench", c.Workbench, c.StepFlops, c.WorkbenchMatmul.GflopsPerSecond);
            if (bf16 is not null)
                Row(md, c.Step, "workbench, bf16 products", bf16.Workbench, c.StepFlops,
                    bf16.WorkbenchMatmul.GflopsPerSecond);
            if (c.PyTorch is { } theirs) Row(md, c.Step, "PyTorch", theirs, c.StepFlops, c.PyTorchMatmulGflops);
        }
        md.AppendLine();
        foreach (var c in new[] { DiT, Autoencoder })
            if (c.PairedRatio is { } r) md.AppendLine(RatioLine(c.Step, "workbench / PyTorch", r,
                "time per step; below 1 = the workbench is faster") + ".");
        foreach (var (c, bf16) in new[] { (DiT, DiTBf16), (Autoencoder, AutoencoderBf16) })
            if (bf16 is not null) md.AppendLine(Bf16Line(c, bf16));
        md.AppendLine(Bf16Skipped is string why ? $"- No bf16 rows: {why}." : DiTBf16 is null ? "" :
            "- \"bf16 products\": the same step with `--fp32-matmul bf16` (oneDNN rounds the inputs of float32 " +
            "products to bfloat16 and sums in float32, as PyTorch's `torch.backends.mkldnn.matmul.fp32_precision = " +
            "\"bf16\"`; attention stays IEEE, " +
            "`Cmd.Runtime.PrecisionFence`); its share is of the same fp32 (IEEE) matmul yardstick, timed between its " +
            "steps. Debian's PyTorch 1.13 has no such switch, so its side runs fp32 only. Trained with them, the " +
            "autoencoder's loss, PSNR and SSIM differ by no more than its seeds do " +
            "(`results/bench/autoencoder-levers.md`).");
        if (Autoencoder.Check is not null) md.AppendLine($"- {Autoencoder.Check}");
        if (DiT.Check is not null) md.AppendLine($"- {DiT.Check}");
        md.AppendLine();
        md.AppendLine("## Data loader");
        md.AppendLine();
        md.AppendLine($"Loading one training batch for the {Autoencoder.Step} step (Moving MNIST clips generated from the digits, on the trainer's thread, as `ae train` does): median {F(Loader.Median, "F4")} s (spread {F(Loader.Min, "F4")}..{F(Loader.Max, "F4")}, n={Loader.Seconds.Length}), **{F(100 * LoaderShare, "F1")}%** of a training step (load / (load + step)).");
        md.AppendLine();
        md.AppendLine($"## Sampling: CMD vs the cubic video DiT (preset {o.SamplingPreset})");
        md.AppendLine();
        md.AppendLine("Sampling time = sampler steps x the measured forward of each network at the batch the sampler gives it, the four networks' forwards timed in turn, one of each per round (CmdSampler batches all videos and the classifier-free-guidance pair into one forward; CMD: content frame DDIM 50 with CFG + motion latent DDIM 100 + one decode; cubic: DDIM 50 with CFG). FLOPs ratio = cubic / CMD sampling FLOPs, counted (`workbench efficiency`).");
        md.AppendLine();
        md.AppendLine("| videos at once | CMD s | cubic s | measured speedup (cubic / CMD) | FLOPs ratio | speedup / FLOPs ratio |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var s in Sampling)
            md.AppendLine($"| {s.Videos} | {F(s.Measured.SamplingSeconds("CMD"), "F2")} | {F(s.Measured.SamplingSeconds("cubic"), "F2")} | {F(s.Speedup, "F1")}x | {F(s.FlopsRatio, "F1")}x | **{F(s.OfFlopsRatio, "F2")}** |");
        md.AppendLine();
        md.AppendLine("Per network (median forward of the timed repeats, GFLOP/s from the profiled FLOPs):");
        md.AppendLine();
        md.AppendLine("| videos | method | part | forward batch | s/forward | steps | sampling s | GFLOP/s |");
        md.AppendLine("|---:|---|---|---:|---:|---:|---:|---:|");
        foreach (var s in Sampling)
            foreach (var r in s.Measured.Rows)
                md.AppendLine($"| {s.Videos} | {r.Method} | {r.Part} | {r.Batch} | {F(r.Forward.MedianSeconds, "F4")} | {r.Steps} | {F(r.SamplingSeconds, "F2")} | {F(r.ProfiledForwardFlops / r.Forward.MedianSeconds / 1e9, "F1")} |");
        return md.ToString();
    }

    /// <summary>"- DiT-S/2, batch 8 with bf16 products: fp32 s/step / bf16 s/step = **1.63** (round by round: ...; the
    /// speed bf16 products gain); workbench bf16 / PyTorch fp32 = 0.58."</summary>
    static string Bf16Line(StepComparison fp32, StepComparison bf16)
    {
        string torch = fp32.PyTorch is { } t
            ? $"; workbench bf16 / PyTorch fp32 = {F(Interleaved.Ratio.Of(bf16.Workbench, t).Median, "F2")}" : "";
        return RatioLine($"{fp32.Step} with bf16 products", "fp32 s/step / bf16 s/step",
            Interleaved.Ratio.Of(fp32.Workbench, bf16.Workbench), "the speed bf16 products gain") + $"{torch}.";
    }

    /// <summary>"- step: what = **0.83** (round by round: median of 5, 0.79..0.88; ratio of medians 0.84; note)".</summary>
    static string RatioLine(string step, string what, Interleaved.Ratio r, string note) =>
        $"- {step}: {what} = **{F(r.Median, "F2")}** ({r.Detail}; {note})";

    /// <summary>"workbench 335 GFLOP/s (median of 15; 297..353); PyTorch 307 GFLOP/s (median)".</summary>
    static string MatmulCell(StepComparison c)
    {
        var t = c.WorkbenchMatmul;
        string Rate(double seconds) => F(t.Flops / seconds / 1e9, "F0");
        string ours = $"workbench {F(t.GflopsPerSecond, "F0")} GFLOP/s (median of {t.Timing.Seconds.Length}; {Rate(t.Timing.Max)}..{Rate(t.Timing.Min)})";
        return c.PyTorchMatmulGflops is double p ? $"{ours}; PyTorch {F(p, "F0")} GFLOP/s (median)" : ours;
    }

    static void Row(System.Text.StringBuilder md, string step, string side, StepTiming t, double flops, double? matmul)
    {
        double rate = flops / t.Median / 1e9;
        string share = matmul is double m && !double.IsNaN(m) ? $"{F(100 * rate / m, "F0")}%" : "-";
        string cpu = double.IsNaN(t.CpuSecondsPerStep) ? "-" : F(t.CpuSecondsPerStep);
        md.AppendLine($"| {step} | {side} | {F(t.Median)} | {F(t.Min)}..{F(t.Max)} (n={t.Seconds.Length}) | {cpu} | {F(flops / 1e9, "F1")} | {F(rate, "F1")} | {share} |");
    }
}

/// <summary>
/// `make bench`: the machine named (CPU, cores, instruction sets, the BLAS each side uses), an fp32 matmul on both sides
/// timed before each step, the DiT-S/2 training step here vs PyTorch, the small autoencoder's step here vs its PyTorch
/// twin (losses compared), each with bf16 products where the CPU has them, each step's GFLOP/s against the matmul, the
/// data loader's share of a step, and CMD vs cubic sampling at 1 and 16 videos at once against the FLOPs ratio. The
/// sides of each comparison take their steps in turn (<see cref="Interleaved"/>; the PyTorch side a served process,
/// <see cref="ServedSteps"/>); the comparisons run one after the other.
/// </summary>
public static class BenchSuite
{
    public static BenchReport Run(BenchOptions o, Action<string>? log = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string loadAtStart = LoadAverage();
        var others = OtherCpu.Start();
        void Log(string m) => log?.Invoke($"[{clock.Elapsed.TotalSeconds,6:F0} s] {m}");
        int threads = get_num_threads();
        var (py, skipped) = Reference(o, threads);
        string? ownCore = py?.OwnOpenBlasCore();

        string? bf16Skipped = MatmulPrecision.Bf16Unavailable();
        bool bf16 = bf16Skipped is null;
        string sides = (py is null ? "workbench" : "workbench, PyTorch") + (bf16 ? ", workbench with bf16 products" : "");
        string ditName = $"{o.DiTModel}, batch {o.DiTBatch}";
        Log($"{ditName} training step, in turn: {sides} ({MatmulRate.Yardstick.DefaultPerSample} fp32 matmuls " +
            $"{o.MatmulSize}^3 timed before each step)");
        StepComparison dit;
        StepComparison? ditBf16;
        string? torchVersion = null, torchCore = null;
        using (var ours = DiTBenchmark.Create(o.DiTModel, o.DiTBatch))
        using (var oursBf16 = bf16 ? DiTBenchmark.Create(o.DiTModel, o.DiTBatch) : null)
        using (var twin = py is null ? null
                   : DiTBenchmark.Serve(py, Path.Combine(o.ScriptDir, "dit_step.py"), o.DiTModel, o.DiTBatch, o.Warmup,
                       o.MatmulSize))
        {
            (dit, ditBf16) = StepComparison.Measure(ditName, DiTBenchmark.StepFlops(ours), ours.Step, twin,
                oursBf16 is null ? null : oursBf16.Step, o.Warmup, o.DiTSteps, o.MatmulSize);
            if (twin is not null)
            {
                long theirs = twin.Ready.GetProperty("params").GetInt64();
                dit = dit with { Check = StepComparison.ParameterCheck(ours.Model.ParameterCount(), theirs) };
                (torchVersion, torchCore) = (twin.Ready.GetProperty("torch").GetString(), twin.BlasCore);
            }
        }

        var aeConfig = RunPresets.Autoencoder(o.AutoencoderPreset);
        int aeBatch = aeConfig.BatchSize;
        string aeName = $"autoencoder {aeConfig.Name}, batch {aeBatch}";
        StepComparison ae;
        StepComparison? aeBf16;
        StepTiming loader;
        Log($"{aeName} training step, in turn: {sides.Replace("PyTorch", "PyTorch twin")}");
        using (var ours = AutoencoderBenchmark.Create(aeConfig, aeBatch))
        using (var oursBf16 = bf16 ? AutoencoderBenchmark.Create(aeConfig, aeBatch) : null)
        {
            double flops = AutoencoderBenchmark.TrainingStepFlops(ours);
            using var twin = py is null ? null
                : AutoencoderBenchmark.Serve(py, Path.Combine(o.ScriptDir, "autoencoder_step.py"), ours, o.Warmup,
                    o.MatmulSize);
            (ae, aeBf16) = StepComparison.Measure(aeName, flops, ours.Step, twin,
                oursBf16 is null ? null : oursBf16.Step, o.Warmup, o.AutoencoderSteps, o.MatmulSize);
            if (twin is not null) ae = ae with { Check = StepComparison.LossCheck(ae.WorkbenchLosses, ae.PyTorchLosses) };
            Log("data loader");
            loader = AutoencoderBenchmark.TimeLoader(aeConfig, aeBatch, o.Warmup, Math.Max(3, o.AutoencoderSteps));
        }
        var setting = EfficiencySetting.Preset(o.SamplingPreset);
        double flopsRatio = new EfficiencyReport(setting).SamplingRatio;
        var sampling = new List<SamplingComparison>();
        foreach (int videos in o.SamplingVideos)
        {
            Log($"sampling networks, {videos} video(s) at once, in turn");
            sampling.Add(new SamplingComparison(videos,
                EfficiencyMeasurement.RunInTurn(setting, CPU, o.SamplingRepeats, videos), flopsRatio));
        }

        string libtorch = $"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3)}, libtorch {__version__}; {LibTorchBlas.Describe()}; libtorch kernels {KernelCapability.Describe()}";
        string? pytorch = py is null ? null
            : py.Describe(torchVersion ?? "?", torchCore) + " (Debian python3-torch)" + (ownCore is null ? "" : $"; OpenBLAS by itself would load {ownCore}");
        return new BenchReport(o, DateTime.UtcNow, $"{MachineInfo.CpuModel()} ({MachineInfo.CpuVendor()}), {MachineInfo.Cores()} cores", InstructionSets(),
            threads, libtorch, pytorch, skipped,
            dit, ae,
            loader, sampling, clock.Elapsed.TotalSeconds, $"{loadAtStart}, {LoadAverage()}", others?.Share(),
            DamonState())
        {
            DiTBf16 = ditBf16, AutoencoderBf16 = aeBf16, Bf16Skipped = bf16Skipped,
        };
    }

    /// <summary>The 1-minute load average (/proc/loadavg), or "?".</summary>
    static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }

    static (PyTorchReference? Reference, string? Skipped) Reference(BenchOptions o, int threads)
    {
        if (!o.PyTorch) return (null, "--no-pytorch");
        var py = PyTorchReference.ForThisMachine(threads, o.OpenBlasDir, o.OpenBlasCore);
        return py.Unavailable() is string why ? (null, why) : (py, null);
    }

    /// <summary>Whether a DAMON pageout scheme ran (a suspect of the slow state of long trainings; motion-step.md).</summary>
    static string DamonState() => DamonPageout.Running() is { Count: > 0 } on
        ? $"on: pages out memory idle for {on.Min(s => s.IdleSeconds):0.#} s ({on[0].Kdamond}, {on[0].Operations})"
        : "off";

    /// <summary>The SIMD sets that decide the kernels: AVX2/FMA, AVX-512 (F, BW, DQ, VL), VNNI, BF16, AMX.</summary>
    static string InstructionSets()
    {
        var f = MachineInfo.CpuFlags();
        var names = new (string Flag, string Name)[]
        {
            ("avx2", "AVX2"), ("fma", "FMA"), ("avx512f", "AVX-512F"), ("avx512bw", "BW"), ("avx512dq", "DQ"), ("avx512vl", "VL"),
            ("avx512_vnni", "VNNI"), ("avx512_bf16", "AVX512_BF16"), ("avx512_fp16", "AVX512_FP16"), ("amx_tile", "AMX"),
        };
        var present = names.Where(n => f.Contains(n.Flag)).Select(n => n.Name).ToList();
        return present.Count == 0 ? "unknown (no /proc/cpuinfo flags)" : string.Join(", ", present);
    }
}
