using System.CommandLine;
using Cmd.Benchmarks;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

/// <summary>`workbench bench all` (make bench) writes results/bench/README.md; `bench dit|ae|matmul` time one thing here vs PyTorch.</summary>
public sealed class BenchCommand : ICommandGroup
{
    /// <summary>"float32 products: ieee" (or bf16, --fp32-matmul): what the timed steps ran with.</summary>
    static string Products =>
        $"float32 products: {Cmd.Runtime.MatmulPrecision.Name(Cmd.Runtime.MatmulPrecision.Current)}";

    readonly Option<string?> openblas = new("--openblas") { Description = $"Folder of OpenBLAS's libblas.so.3 for the PyTorch side (default: {PyTorchReference.DebianOpenBlas} when installed)" };
    readonly Option<string?> core = new("--openblas-core") { Description = "OPENBLAS_CORETYPE for the PyTorch side (default: chosen from the CPU flags)" };
    readonly Option<bool> noTorch = new("--no-pytorch") { Description = "Time this side only" };

    public Command Build()
    {
        var command = new Command("bench", "Benchmarks against reference implementations");
        command.Subcommands.Add(All());
        command.Subcommands.Add(DiT());
        command.Subcommands.Add(Autoencoder());
        command.Subcommands.Add(Matmul());
        command.Subcommands.Add(Motion());
        command.Subcommands.Add(Denormals());
        command.Subcommands.Add(Convolutions());
        return command;
    }

    Command Motion()
    {
        var preset = new Option<string>("--preset") { Description = $"Motion DiT preset: {string.Join(", ", RunPresets.Names)}", DefaultValueFactory = _ => "small" };
        var keyPatch = new Option<int?>("--key-patch") { Description = "Key (content-frame) patch size (Table 4c: 4, 8, 16; default: the preset's)" };
        var batch = new Option<int>("--batch") { Description = "Batch size (the studies train at 32)", DefaultValueFactory = _ => 32 };
        var steps = new Option<int>("--steps") { Description = "Timed steps (after 2 warm-up steps)", DefaultValueFactory = _ => 5 };
        var phases = new Option<bool>("--phases") { Description = "Also time zero-grad, forward, backward and Adam separately" };
        var weights = new Option<string?>("--weights") { Description = "Start from these weights (a `train motion` checkpoint or ema.safetensors): a trained model's attention is what a long run computes" };
        var setThreads = new Option<int?>("--set-threads")
        {
            Description = "Call at::set_num_threads(n) first, even when n is the count in use (as `sweep cell --threads` did " +
                "until Cmd.Runtime.TorchThreads): to measure what that costs",
        };
        var pairs = new Option<string?>("--pairs") { Description = "Take the batch from these latent pairs (`ae encode`; a study's shared pairs file) instead of random z and content frames" };
        var motion = new Command("motion", "Time the motion DiT's training step (as `train motion` and the Table 4 studies take it) against the matmul timed between its steps")
            { preset, keyPatch, batch, steps, phases, weights, pairs, setThreads };
        motion.SetAction(r =>
        {
            if (r.GetValue(setThreads) is int n) Cmd.Runtime.TorchThreads.Use(n, always: true);
            var cfg = RunPresets.Motion(r.GetValue(preset)!);
            if (r.GetValue(keyPatch) is int k) cfg = cfg with { KeyPatchSize = k };
            int b = r.GetValue(batch), s = r.GetValue(steps);
            using var data = r.GetValue(pairs) is { } file ? Cmd.Training.LatentPairs.Load(file) : null;
            using var setup = MotionBenchmark.Create(cfg, b, data);
            if (r.GetValue(weights) is { } w) Cmd.Training.TrainingCheckpoint.LoadWeights(setup.Model, w);
            Console.WriteLine($"weights: {r.GetValue(weights) ?? "fresh (seed 0)"}; batch: {r.GetValue(pairs) ?? "random"}");
            double flops = MotionBenchmark.TrainingStepFlops(setup);
            Console.WriteLine($"motion DiT {cfg.Name}, key patch {cfg.KeyPatchSize}, batch {b}: {flops / 1e9:F1} GFLOP/step; " +
                $"{Cmd.Runtime.MachineInfo.Describe()}, {get_num_threads()} threads; {Products}");
            using var yardstick = new MatmulRate.Yardstick();
            var ours = MotionBenchmark.Time(setup, warmup: 2, steps: s, yardstick.Sample);
            double rate = flops / ours.Median / 1e9, matmul = yardstick.Result().GflopsPerSecond;
            Console.WriteLine($"workbench: {ours.Describe()}, {rate:F1} GFLOP/s = {100 * rate / matmul:F0}% of its matmul ({matmul:F0} GFLOP/s)");
            if (r.GetValue(phases))
                foreach (var p in MotionBenchmark.Phases(setup, 1, s)) Console.WriteLine($"  {p.Name,-16} {p.Describe("F4")}");
            return 0;
        });
        return motion;
    }

    PyTorchReference? Reference(ParseResult r)
    {
        if (r.GetValue(noTorch)) return null;
        var py = PyTorchReference.ForThisMachine(get_num_threads(), r.GetValue(openblas), r.GetValue(core));
        if (py.Unavailable() is string why) { Console.WriteLine($"PyTorch side skipped: {why}"); return null; }
        return py;
    }

    Command DiT()
    {
        var model = new Option<string>("--model") { Description = "DiT config", DefaultValueFactory = _ => "DiT-S/2" };
        var batch = new Option<int>("--batch") { Description = "Batch size (latents 32x32x4)", DefaultValueFactory = _ => 8 };
        var steps = new Option<int>("--steps") { Description = "Timed steps (after 2 warm-up steps); the median is compared", DefaultValueFactory = _ => 5 };
        var script = new Option<string>("--script") { Description = "PyTorch side", DefaultValueFactory = _ => "bench/dit_step.py" };
        var phases = new Option<bool>("--phases") { Description = "Also time zero-grad, forward, backward and Adam separately (a second model, same seed)" };
        var dit = new Command("dit", "Time one DiT training step (forward, backward, Adam) in the workbench and in PyTorch; print the ratio")
            { model, batch, steps, script, phases, openblas, core, noTorch };
        dit.SetAction(r =>
        {
            string m = r.GetValue(model)!; int b = r.GetValue(batch), s = r.GetValue(steps);
            Console.WriteLine($"one training step of {m}, batch {b}, 32x32x4 latents, {s} timed steps after 2 " +
                $"warm-up; {Cmd.Runtime.MachineInfo.Describe()}, {get_num_threads()} threads; {Products}");
            StepsAtLeastOne(s);
            using var ours = DiTBenchmark.Create(m, b);
            double flops = DiTBenchmark.StepFlops(ours);
            var py = Reference(r);
            using var twin = py is null ? null : DiTBenchmark.Serve(py, r.GetValue(script)!, m, b, warmup: 2);
            // in turn with the PyTorch side, each with fp32 matmuls timed before each of its steps
            var (c, _) = StepComparison.Measure($"{m}, batch {b}", flops, ours.Step, twin, null, warmup: 2,
                rounds: s, matmulSize: 1024);
            Console.WriteLine($"workbench: {ours.Model.ParameterCount():N0} params, {c.Workbench.Describe()}, " +
                $"{flops / c.Workbench.Median / 1e9:F1} GFLOP/s (its matmul {c.WorkbenchMatmul.GflopsPerSecond:F0} GFLOP/s)");
            if (twin is not null)
            {
                long theirs = twin.Ready.GetProperty("params").GetInt64();
                Console.WriteLine($"{py!.Describe(twin.Ready.GetProperty("torch").GetString()!, twin.BlasCore)}: " +
                    $"{theirs:N0} params, {c.PyTorch!.Describe()} (its matmul {c.PyTorchMatmulGflops:F0} GFLOP/s)");
                if (StepComparison.ParameterCheck(ours.Model.ParameterCount(), theirs) is string warning)
                    Console.WriteLine(warning);
                PrintRatio(c);
            }
            if (r.GetValue(phases))
                foreach (var p in DiTBenchmark.Phases(m, b, s)) Console.WriteLine($"  {p.Name,-16} {p.Describe("F4")}");
            return 0;
        });
        return dit;
    }

    Command All()
    {
        var quick = new Option<bool>("--quick") { Description = "Tiny sizes (a check that it runs, for tests): not a benchmark" };
        var output = new Option<string>("--out") { Description = "Folder of the README.md written", DefaultValueFactory = _ => "results/bench" };
        var scripts = new Option<string>("--scripts") { Description = "Folder of the PyTorch scripts", DefaultValueFactory = _ => "bench" };
        var all = new Command("all", "Everything `make bench` prints, measured in one run: machine and BLAS, in-run matmul, DiT-S/2 and small-autoencoder steps here vs PyTorch, data loader share, CMD vs cubic sampling at 1 and 16 videos; writes <out>/README.md")
            { quick, output, scripts, openblas, core, noTorch };
        all.SetAction(r =>
        {
            var o = new BenchOptions
            {
                Quick = r.GetValue(quick), PyTorch = !r.GetValue(noTorch), OpenBlasDir = r.GetValue(openblas), OpenBlasCore = r.GetValue(core),
                ScriptDir = r.GetValue(scripts)!,
            };
            var report = BenchSuite.Run(o, Console.Error.WriteLine);
            // the page names the command as run from the checkout, without this machine's path to it
            string command = ("workbench " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)))
                .Replace(Environment.CurrentDirectory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
            string markdown = report.Markdown(command);
            string dir = r.GetValue(output)!;
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "README.md"), markdown);
            Console.Write(markdown);
            Console.WriteLine();
            Console.WriteLine($"written: {Path.Combine(dir, "README.md")}");
            return 0;
        });
        return all;
    }

    Command Convolutions()
    {
        var steps = new Option<int>("--steps") { Description = "Timed steps in each mode (after 2 warm-up steps in each)", DefaultValueFactory = _ => 10 };
        var c = new Command("conv", "Training steps with libtorch's convolutions in oneDNN and in its own kernels, alternating in one run " +
            "(what ConvolutionCheck costs where it turns oneDNN off), and each mode's convolution gradient error") { steps };
        c.SetAction(r =>
        {
            Console.WriteLine($"{Cmd.Runtime.MachineInfo.Describe()}, {get_num_threads()} threads; at start: {Cmd.Runtime.ConvolutionCheck.Status}");
            var res = ConvolutionBackendBenchmark.Run(r.GetValue(steps));
            Console.WriteLine($"convolution input gradients, worst relative error: oneDNN {res.OneDnnError:E1}, libtorch's own {res.OwnError:E1}");
            foreach (var row in res.Rows)
                Console.WriteLine($"{row.Step}: oneDNN {row.OneDnn.Describe()}, own {row.Own.Describe()}, own / oneDNN {row.Ratio:F2}");
            return 0;
        });
        return c;
    }

    Command Denormals()
    {
        var repeats = new Option<int>("--repeats") { Description = "exps of 16,384 floats per timing", DefaultValueFactory = _ => 400 };
        var d = new Command("denormals", "libtorch's exp on one thread at ordinary and underflowing arguments, denormals kept and flushed (DenormalFlush)") { repeats };
        d.SetAction(r =>
        {
            Console.WriteLine($"{Cmd.Runtime.MachineInfo.Describe()}; one thread, {r.GetValue(repeats)} x 16,384 exps per timing, median of 5");
            var res = DenormalBenchmark.Measure(r.GetValue(repeats));
            Console.WriteLine(res.Describe());
            Console.WriteLine($"an exp that underflows (-95) takes {res.UnderflowPenaltyKept:F1}x an ordinary one (-10) with denormals kept, " +
                $"{res.UnderflowPenaltyFlushed:F1}x with them flushed");
            return 0;
        });
        return d;
    }

    Command Matmul()
    {
        var size = new Option<int>("--size") { Description = "n of the n x n fp32 matmul", DefaultValueFactory = _ => 1024 };
        var m = new Command("matmul", "The fp32 matmul rate here (libtorch's BLAS) and in PyTorch (OpenBLAS)") { size, openblas, core, noTorch };
        m.SetAction(r =>
        {
            int n = r.GetValue(size);
            Console.WriteLine($"{Cmd.Runtime.MachineInfo.Describe()}, {get_num_threads()} threads; libtorch BLAS: {LibTorchBlas.Describe()}; kernels: {Cmd.Runtime.KernelCapability.Describe()}");
            var ours = MatmulRate.Measure(n);
            Console.WriteLine($"workbench: {ours.Timing.Describe("F4")}, {ours.GflopsPerSecond:F1} GFLOP/s");
            if (Reference(r) is not { } py) return 0;
            var o = py.Run(["-c", $"import sys; sys.path.insert(0, 'bench'); import common; common.set_threads(); common.emit(matmul_gflops=common.matmul_gflops({n}))"]);
            Console.WriteLine($"{py.Describe(o.Json.GetProperty("torch").GetString()!, o.BlasCore)}: {o.Json.GetProperty("matmul_gflops").GetDouble():F1} GFLOP/s");
            return 0;
        });
        return m;
    }

    Command Autoencoder()
    {
        var preset = new Option<string>("--preset") { Description = $"Autoencoder preset: {string.Join(", ", RunPresets.Names)}", DefaultValueFactory = _ => "small" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default: the preset's)" };
        var steps = new Option<int>("--steps") { Description = "Timed steps (after 2 warm-up steps)", DefaultValueFactory = _ => 10 };
        var script = new Option<string>("--script") { Description = "PyTorch twin", DefaultValueFactory = _ => "bench/autoencoder_step.py" };
        var phases = new Option<bool>("--phases") { Description = "Also time zero-grad, forward, backward and Adam separately" };
        var products = new Option<bool>("--products")
        {
            Description = "Also time each matrix product of the TimeSformer's layers alone, at the step's shapes",
        };
        var ae = new Command("ae", "Time the autoencoder's training step (as `ae train` takes it) here and in its PyTorch twin; check both give the same losses")
            { preset, batch, steps, script, phases, products, openblas, core, noTorch };
        ae.SetAction(r =>
        {
            var cfg = RunPresets.Autoencoder(r.GetValue(preset)!);
            int b = r.GetValue(batch) ?? cfg.BatchSize, s = r.GetValue(steps);
            StepsAtLeastOne(s);
            using var setup = AutoencoderBenchmark.Create(cfg, b);
            double flops = AutoencoderBenchmark.TrainingStepFlops(setup);
            Console.WriteLine($"autoencoder {cfg.Name}, batch {b}: {flops / 1e9:F2} GFLOP/step; " +
                $"{Cmd.Runtime.MachineInfo.Describe()}, {get_num_threads()} threads; {Products}");
            var py = Reference(r);
            using (var twin = py is null ? null : AutoencoderBenchmark.Serve(py, r.GetValue(script)!, setup, warmup: 2))
            {
                // in turn with the twin, each with fp32 matmuls timed before each of its steps
                var (c, _) = StepComparison.Measure($"autoencoder {cfg.Name}, batch {b}", flops, setup.Step, twin,
                    null, warmup: 2, rounds: s, matmulSize: 1024);
                Console.WriteLine($"workbench: {c.Workbench.Describe()}, {flops / c.Workbench.Median / 1e9:F1} " +
                    $"GFLOP/s (its matmul {c.WorkbenchMatmul.GflopsPerSecond:F0} GFLOP/s)");
                if (twin is not null)
                {
                    Console.WriteLine($"{py!.Describe(twin.Ready.GetProperty("torch").GetString()!, twin.BlasCore)}: " +
                        $"{c.PyTorch!.Describe()} (its matmul {c.PyTorchMatmulGflops:F0} GFLOP/s)");
                    Console.WriteLine(StepComparison.LossCheck(c.WorkbenchLosses, c.PyTorchLosses));
                    PrintRatio(c);
                }
            }
            if (r.GetValue(phases))
                foreach (var p in AutoencoderBenchmark.Phases(setup, 1, s)) Console.WriteLine($"  {p.Name,-16} {p.Describe("F4")}");
            if (r.GetValue(products)) PrintProducts(cfg, b, s);
            return 0;
        });
        return ae;
    }

    /// <summary>"ratio workbench / PyTorch = 0.83 (round by round: median of 5, 0.79..0.88; ratio of medians 0.84)".</summary>
    static void PrintRatio(StepComparison c)
    {
        var ratio = c.PairedRatio!;
        Console.WriteLine($"ratio workbench / PyTorch = {ratio.Median:F2} ({ratio.Detail}; the sides timed in turn)");
    }

    /// <summary>--steps is checked before anything starts (a PyTorch twin takes its warm-up first).</summary>
    static void StepsAtLeastOne(int steps)
    {
        if (steps < 1) throw new ArgumentException($"--steps must be >= 1 (got {steps})");
    }

    static void PrintProducts(AutoencoderConfig cfg, int batch, int steps)
    {
        using var yardstick = new MatmulRate.Yardstick(perSample: 1);
        var timed = AutoencoderProducts.Time(AutoencoderProducts.Shapes(cfg, batch), steps, yardstick);
        double rate = yardstick.Result().GflopsPerSecond;
        Console.WriteLine($"products alone ({Products}; the fp32 matmul yardstick timed between them: " +
                          $"{rate:F0} GFLOP/s):");
        foreach (var p in timed)
            Console.WriteLine($"  {p.Shape,-44} {p.Timing.Median * 1e3,7:F3} ms {p.GflopsPerSecond,5:F0} GFLOP/s "
                + $"({p.GflopsPerSecond / rate:P0} of the matmul)");
    }
}
