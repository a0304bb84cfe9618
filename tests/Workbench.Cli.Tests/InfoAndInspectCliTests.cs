using Cmd.Tests.IO;
using Cmd.Tests;

namespace Workbench.Cli.Tests;

public class InfoAndInspectCliTests
{
    [Fact]
    public void InfoPrintsVersionsAndMatmul()
    {
        var r = CliRunner.Run("info", "--device", "cpu");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("libtorch", r.StdOut);
        Assert.Contains("2.10", r.StdOut);
        // sum of (i/n) over an n x n x n product, n = 256: n^2 (n-1) / 2 = 8,355,840
        Assert.Contains("matmul check", r.StdOut);
        Assert.Contains("sum = 8355840.0 (expected 8355840.0)", r.StdOut);
        // the CLI checked libtorch's convolution gradients (oneDNN's are wrong on some CPUs) and left them right
        var conv = r.StdOut.Split('\n').Single(l => l.StartsWith("conv gradients", StringComparison.Ordinal));
        Assert.Matches("right|oneDNN off", conv);
        Assert.DoesNotContain("WRONG", conv);
    }

    /// <summary>
    /// Started without DOTNET_JITMinOpts, the CLI runs itself again with it (ScalarLifetimeGuard: TorchSharp's temporary
    /// Scalars stay alive through libtorch calls) and passes on its exit code; CMD_SCALAR_GUARD=0 keeps the first process.
    /// </summary>
    [Fact]
    public void WithoutTheScalarGuardTheCliStartsItselfAgainWithIt()
    {
        static CliRunner.Result Run(Dictionary<string, string> env, params string[] args)
        {
            var info = CliRunner.Start(env, args);
            info.Environment.Remove("DOTNET_JITMinOpts");
            using var p = System.Diagnostics.Process.Start(info)!;
            var (o, e) = (p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync());
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(10)), "workbench info hung");
            return new CliRunner.Result(p.ExitCode, o.Result, e.Result);
        }
        static string Guard(CliRunner.Result r) => r.StdOut.Split('\n').Single(l => l.StartsWith("scalar guard ", StringComparison.Ordinal));
        var relaunched = Run([], "info");
        Assert.Equal(0, relaunched.ExitCode);
        Assert.Contains("DOTNET_JITMinOpts=1: unoptimised managed code keeps", Guard(relaunched));
        Assert.Equal(1, Run([], "ae", "info", "--preset", "huge").ExitCode); // the child's exit code
        var optedOut = Run(new() { ["CMD_SCALAR_GUARD"] = "0" }, "info");
        Assert.StartsWith("scalar guard     off (DOTNET_JITMinOpts is not 1)", Guard(optedOut));
    }

    [Fact]
    public void InfoNamesTheCpuAndTheCodePathMklTakes()
    {
        static string Blas(CliRunner.Result r) => r.StdOut.Split('\n').Single(l => l.StartsWith("blas ", StringComparison.Ordinal));
        var r = CliRunner.Run("info");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("\ncpu ", r.StdOut);
        var blas = Blas(r);
        Assert.Matches(@"^blas\s+oneMKL \d+\.\d+\.\d+ \(in libtorch_cpu\), code path ", blas);
        string vendor = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("vendor_id", StringComparison.Ordinal)).Split(':')[1].Trim();
        if (vendor == "GenuineIntel") { Assert.Contains("not needed (Intel CPU)", blas); return; }
        if (!File.Exists(Path.Combine(AppContext.BaseDirectory, "libcmd_mkl_dispatch.so"))) { Assert.Contains("not built", blas); return; }
        // another vendor: MKL's vendor check is answered, so it takes an instruction-set path; with the opt-out, its generic one
        Assert.Contains("vendor check bypass: on", blas);
        Assert.DoesNotContain("code path generic", blas);
        var off = CliRunner.Run(TimeSpan.FromMinutes(10), new Dictionary<string, string> { ["CMD_MKL_VENDOR_CHECK"] = "keep" }, "info");
        Assert.Contains("code path generic", Blas(off));
        Assert.Contains("off (CMD_MKL_VENDOR_CHECK=keep)", Blas(off));
    }

    [Fact]
    public void InspectListsTensorsAndMetadata()
    {
        var r = CliRunner.Run("inspect", Fixtures.Path("safetensors/pytorch_module.safetensors"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("conv.weight\tF32\t[4, 3, 3, 3]", r.StdOut);
        Assert.Contains("norm.num_batches_tracked\tI64\t[]", r.StdOut);
        Assert.Contains("metadata format = pt", r.StdOut);
    }

    [Fact]
    public void InspectRejectsEveryHostileFileWithOneClearLine()
    {
        var dir = Fixtures.TempDir("hostile");
        foreach (var (name, bytes, expected) in HostileSafeTensors.Cases())
        {
            var path = Path.Combine(dir, name + ".safetensors");
            File.WriteAllBytes(path, bytes);
            var r = CliRunner.Run("inspect", path);
            Assert.True(r.ExitCode != 0, $"{name}: exit code 0");
            var lines = r.StdErr.Trim().Split('\n');
            Assert.True(lines.Length == 1, $"{name}: expected one line on stderr, got:\n{r.StdErr}");
            Assert.StartsWith("error: ", lines[0]);
            Assert.Contains(path, lines[0]);
            Assert.Contains(expected, lines[0]);
        }
    }

    [Fact]
    public void Fp32MatmulIsSetForTheWholeRunAndShownByInfo()
    {
        static string Row(CliRunner.Result r) =>
            r.StdOut.Split('\n').Single(l => l.StartsWith("fp32 matmul", StringComparison.Ordinal));
        var exact = CliRunner.Run("info");
        Assert.True(exact.ExitCode == 0, exact.StdErr);
        Assert.Matches(@"^fp32 matmul\s+ieee \((--fp32-matmul bf16 available: (AMX|AVX512_BF16)|bf16: .+)\)$",
            Row(exact).Trim());
        var bf16 = CliRunner.Run("info", "--fp32-matmul", "bf16");
        Assert.True(bf16.ExitCode == 0, bf16.StdErr);
        static string Taken(CliRunner.Result r) => r.StdErr.Contains("float32 products stay exact") ? "ieee" : "bf16";
        Assert.Matches($@"^fp32 matmul\s+{Taken(bf16)} ", Row(bf16));             // ieee where oneDNN is off
        var upper = CliRunner.Run("info", "--fp32-matmul", "BF16");
        Assert.True(upper.ExitCode == 0, upper.StdErr);
        Assert.Matches($@"^fp32 matmul\s+{Taken(upper)} ", Row(upper));
        var bad = CliRunner.Run("info", "--fp32-matmul", "half");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--fp32-matmul must be ieee or bf16 (got 'half')", bad.StdErr);
        var scoring = CliRunner.Run("ae", "info", "--fp32-matmul", "bf16");        // scores and samples stay exact
        Assert.Equal((1, "error: --fp32-matmul bf16 is for ae train, train content, train motion, bench dit, " +
            "bench ae, bench motion, info; 'ae info' keeps exact float32 products"),
            (scoring.ExitCode, scoring.StdErr.Trim()));
    }

    [Fact]
    public void BadDeviceOptionIsRejected()
    {
        var r = CliRunner.Run("info", "--device", "tpu");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("tpu", r.StdErr + r.StdOut);
    }
}
