using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Benchmarks;

/// <summary>Times one DiT training step (forward, MSE against a random target, backward, Adam lr 1e-4) here and in PyTorch
/// (bench/dit_step.py under Debian's torch with OpenBLAS, OMP_NUM_THREADS=2), in one run, so the ratio compares like with like.</summary>
public static class DiTBenchmark
{
    public sealed record Timing(string Name, long Parameters, double[] StepSeconds)
    {
        public double Median => StepSeconds.Order().ElementAt(StepSeconds.Length / 2);
    }

    public static Timing Workbench(string model = "DiT-S/2", int batch = 8, int steps = 5, int warmup = 2)
    {
        var cfg = DiTConfig.Named(model);
        manual_seed(0);
        using var dit = new DiT(cfg);
        dit.train();
        using var opt = AdamOptimizer.For(dit, DiffusionTraining.PaperOptions);
        using var x = randn(batch, cfg.InChannels, cfg.InputSize, cfg.InputSize);
        using var t = randint(0, 1000, [batch], dtype: int64);
        using var y = randint(0, cfg.NumClasses, [batch], dtype: int64);
        using var target = randn(batch, cfg.OutChannels, cfg.InputSize, cfg.InputSize);
        var times = new List<double>();
        for (int i = 0; i < warmup + steps; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                opt.ZeroGrad();
                var loss = (dit.call(x, t, y) - target).pow(2).mean();
                loss.backward();
                opt.Step();
            }
            if (i >= warmup) times.Add(clock.Elapsed.TotalSeconds);
        }
        return new Timing("workbench (TorchSharp " + typeof(torch).Assembly.GetName().Version + ")", dit.ParameterCount(), times.ToArray());
    }

    /// <summary>Runs bench/dit_step.py with /usr/bin/python3, OpenBLAS first on LD_LIBRARY_PATH and 2 OpenMP threads.</summary>
    public static Timing PyTorch(string script, string model = "DiT-S/2", int batch = 8, int steps = 5, int warmup = 2, string python = "/usr/bin/python3")
    {
        if (!File.Exists(script)) throw new FileNotFoundException($"PyTorch benchmark script not found: {script}", script);
        if (!File.Exists(python)) throw new FileNotFoundException($"{python} not found: install Debian's python3-torch (apt-get install python3-torch libopenblas0-openmp)");
        var psi = new ProcessStartInfo(python, [script, "--model", model, "--batch", batch.ToString(CultureInfo.InvariantCulture), "--steps", steps.ToString(CultureInfo.InvariantCulture), "--warmup", warmup.ToString(CultureInfo.InvariantCulture)])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        const string openblas = "/usr/lib/x86_64-linux-gnu/openblas-openmp";
        if (Directory.Exists(openblas)) psi.Environment["LD_LIBRARY_PATH"] = openblas + ":" + Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        psi.Environment["OMP_NUM_THREADS"] = "2";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {python}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"PyTorch benchmark failed (exit {p.ExitCode}): {stderr.Result.Trim().Split('\n').LastOrDefault()}");
        var line = stdout.Trim().Split('\n').Last();
        using var doc = JsonDocument.Parse(line);
        var r = doc.RootElement;
        return new Timing($"PyTorch {r.GetProperty("torch").GetString()} ({(Directory.Exists(openblas) ? "OpenBLAS" : "default BLAS")}, {r.GetProperty("threads").GetInt32()} threads)",
            r.GetProperty("params").GetInt64(), r.GetProperty("step_seconds").EnumerateArray().Select(e => e.GetDouble()).ToArray());
    }
}
