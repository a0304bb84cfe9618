using Cmd.Models.Denoisers;
using Cmd.Presets;
using Cmd.Training;
using static TorchSharp.torch;

namespace Workbench.Cli.Tests;

/// <summary>`workbench bench`: its errors, and that `bench all --quick` runs and writes its table (a benchmark run is no test:
/// nothing here checks a time).</summary>
public class BenchCliTests
{
    static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Workbench.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Workbench.sln not found above the test folder");
    }

    [Fact]
    public void UnknownModelIsAOneLineErrorListingTheKnown()
    {
        var r = CliRunner.Run("bench", "dit", "--model", "DiT-Q/2");
        Assert.NotEqual(0, r.ExitCode);
        var line = Assert.Single(r.StdErr.Trim().Split('\n'));
        Assert.StartsWith("error: unknown DiT config 'DiT-Q/2' (known: DiT-XL/2,", line);
        Assert.Contains("DiT-S/8", line);
    }

    [Fact]
    public void NoTimedStepsIsAOneLineErrorBeforeAnythingRuns()
    {
        foreach (var part in new[] { "dit", "ae" })
        {
            var r = CliRunner.Run("bench", part, "--steps", "0");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Equal("error: --steps must be >= 1 (got 0)", Assert.Single(r.StdErr.Trim().Split('\n')));
            Assert.DoesNotContain("PyTorch", r.StdOut);
        }
    }

    [Fact]
    public void AnOpenBlasFolderWithoutTheLibraryIsAOneLineError()
    {
        var empty = Directory.CreateTempSubdirectory("cmd-bench-");
        try
        {
            var r = CliRunner.Run("bench", "matmul", "--size", "64", "--openblas", empty.FullName);
            Assert.NotEqual(0, r.ExitCode);
            var line = Assert.Single(r.StdErr.Trim().Split('\n'));
            Assert.StartsWith($"error: --openblas {empty.FullName}: no libblas.so.3 there", line);
        }
        finally { empty.Delete(true); }
    }

    [Fact]
    public void QuickBenchRunsEverySectionAndWritesItsTable()
    {
        var output = Directory.CreateTempSubdirectory("cmd-bench-");
        try
        {
            var r = CliRunner.Run("bench", "all", "--quick", "--out", output.FullName, "--scripts", Path.Combine(RepoRoot(), "bench"));
            Assert.True(r.ExitCode == 0, r.StdErr);
            var md = File.ReadAllText(Path.Combine(output.FullName, "README.md"));
            Assert.Equal(md.TrimEnd(), r.StdOut[..r.StdOut.LastIndexOf("written:", StringComparison.Ordinal)].TrimEnd());
            foreach (var section in new[] { "## Machine", "## Training steps", "## Data loader", "## Sampling: CMD vs the cubic video DiT" })
                Assert.Contains(section, md);
            Assert.Contains("workbench bench all --quick", md);
            Assert.Contains("| instruction sets |", md);
            Assert.Contains("code path", md);                                    // MKL names the path it takes
            Assert.Contains("| DiT-S/8, batch 1 | workbench |", md);
            Assert.Contains("| autoencoder tiny, batch 2 | workbench |", md);
            bool bf16 = Cmd.Runtime.MatmulPrecision.CpuBf16 is not null;
            if (bf16 && !md.Contains("- No bf16 rows: ", StringComparison.Ordinal))
            {
                // this CPU has bfloat16 products and oneDNN is on: both steps again with them, against the fp32 step
                Assert.Contains("| DiT-S/8, batch 1 | workbench, bf16 products |", md);
                Assert.Contains("| autoencoder tiny, batch 2 | workbench, bf16 products |", md);
                Assert.Matches(@"- autoencoder tiny, batch 2 with bf16 products: fp32 s/step / bf16 s/step = \*\*[\d.]+\*\* " +
                    @"\(round by round: median of 2, [\d.]+\.\.[\d.]+; ratio of medians [\d.]+; the speed bf16 products gain\)", md);
            }
            else
            {
                Assert.DoesNotContain("bf16 products |", md);
                if (bf16) Assert.Contains("- No bf16 rows: oneDNN is off", md);   // the only reason on such a CPU
            }
            Assert.Matches(@"\*\*\d+\.\d%\*\* of a training step", md);
            Assert.Matches(@"\| 1 \| [\d.]+ \| [\d.]+ \| [\d.]+x \| [\d.]+x \| \*\*[\d.]+\*\* \|", md);
            Assert.Matches(@"\| 2 \| [\d.]+ \| [\d.]+ \| [\d.]+x \| [\d.]+x \| \*\*[\d.]+\*\* \|", md);
            if (md.Contains("| PyTorch reference | PyTorch ", StringComparison.Ordinal))
            {
                // The PyTorch sides ran: both steps compared and the twin gave our losses.
                Assert.Contains("| DiT-S/8, batch 1 | PyTorch |", md);
                Assert.Contains("| autoencoder tiny, batch 2 | PyTorch |", md);
                // timed in turn with the workbench: a ratio per round, both sides the same number of steps
                Assert.Matches(@"- DiT-S/8, batch 1: workbench / PyTorch = \*\*[\d.]+\*\* \(round by round: median of 1, ", md);
                Assert.Matches(@"- autoencoder tiny, batch 2: workbench / PyTorch = \*\*[\d.]+\*\* \(round by round: median of 2, ", md);
                var agree = System.Text.RegularExpressions.Regex.Match(md, @"agree to a relative ([\d.E+-]+)");
                Assert.True(agree.Success, "no twin check line");
                Assert.True(double.Parse(agree.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) < 1e-4, agree.Value);
            }
            else Assert.Contains("| PyTorch reference | not measured: ", md);
        }
        finally { output.Delete(true); }
    }
    [Fact]
    public void MotionStepRunsOnPairsAndWeightsTheTestMakes()
    {
        var dir = Directory.CreateTempSubdirectory("cmd-bench-motion-");
        try
        {
            string pairsPath = Path.Combine(dir.FullName, "pairs.safetensors"), weights = Path.Combine(dir.FullName, "motion.safetensors");
            using (var pairs = new LatentPairs(randn(4, 1, 32, 32).clamp(-1, 1), randn(4, 4, 8, 8), tensor(new long[] { 0, 1, 2, 3 }), 4, 4))
            {
                pairs.Save(pairsPath);
                using var model = new MotionDiT(pairs.FitMotion(RunPresets.Tiny.Motion));
                Cmd.IO.ModuleState.Save(model, weights, new Dictionary<string, string>());
            }
            var r = CliRunner.Run("bench", "motion", "--preset", "tiny", "--batch", "2", "--steps", "1", "--phases",
                "--pairs", pairsPath, "--weights", weights);
            Assert.True(r.ExitCode == 0, r.StdErr);
            Assert.Contains("motion DiT tiny, key patch 8, batch 2:", r.StdOut);
            Assert.Matches(@"workbench: [\d.]+ s .*GFLOP/s = \d+% of its matmul", r.StdOut);
            foreach (var phase in new[] { "zero grad", "forward (loss)", "backward", "Adam step" }) Assert.Contains(phase, r.StdOut);

            var tooFew = CliRunner.Run("bench", "motion", "--preset", "tiny", "--batch", "8", "--steps", "1", "--pairs", pairsPath);
            Assert.NotEqual(0, tooFew.ExitCode);
            Assert.Equal("error: the pairs hold 4 rows, fewer than a batch of 8", Assert.Single(tooFew.StdErr.Trim().Split('\n')));
        }
        finally { dir.Delete(true); }
    }
}
