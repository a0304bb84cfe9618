using Cmd.IO;
using Cmd.Tests;
using Cmd.Training;
using static TorchSharp.torch;

namespace Workbench.Cli.Tests;

/// <summary>`workbench export` of several files of one model: their mean, or a one-line refusal.</summary>
public class ExportCliTests
{
    [Fact]
    public void ExportOfSeveralSnapshotsWritesTheirMeanAndRefusesAnotherModelByName()
    {
        var dir = Fixtures.TempDir("cli-export");
        var meta = new Dictionary<string, string> { [ModelMetadata.KindKey] = ModelMetadata.Motion, ["z_scale"] = "1" };
        string Snapshot(string name, Tensor w, Dictionary<string, string>? m = null)
        {
            var path = Path.Combine(dir, name);
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = w }, m ?? meta);
            return path;
        }
        var a = Snapshot("run-ema-1000.safetensors", full(2, 3, 1f));
        var b = Snapshot("run-ema-2000.safetensors", full(2, 3, 2f));
        var outPath = Path.Combine(dir, "mean.safetensors");
        var r = CliRunner.Run("export", "--from", a, b, "--out", outPath, "--dtype", "float16");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains($"from the mean of {a}, {b}", r.StdOut);
        var file = SafeTensorsFile.Open(outPath);
        Assert.Equal("F16", file["w"].DType);
        Assert.True(file.Read("w").to(float32).allclose(full(2, 3, 1.5f)));
        var other = Snapshot("other.safetensors", full(2, 3, 2f), new(meta) { ["z_scale"] = "2" });
        var bad = CliRunner.Run("export", "--from", a, other, "--out", Path.Combine(dir, "bad.safetensors"));
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal($"error: {other}: its metadata \"z_scale\" differs from {a}'s: not weights of one model",
            bad.StdErr.Trim());
        Assert.False(File.Exists(Path.Combine(dir, "bad.safetensors")));
    }
}
