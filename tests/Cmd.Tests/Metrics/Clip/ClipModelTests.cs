using System.IO.Compression;
using System.Text.RegularExpressions;
using Cmd.Metrics.Clip;

namespace Cmd.Tests.Metrics.Clip;

/// <summary>
/// ClipModel.Load on CUDA-traced archives. OpenAI's release archives were traced on CUDA in fp16: their code holds torch.device("cuda:0") constants and casts
/// to dtype 5 (half). This rewrites the tiny traced fixture's TorchScript code the same way (as clip.load(jit=True)'s
/// patch_device/patch_float would have to undo), then checks that the workbench runs it on the CPU by rebuilding it from
/// its weights, and that running its graph as it is fails with a clear message.
/// </summary>
public class ClipModelTests
{
    static readonly string Dir = MetricsFixtures.Dir("clip");

    internal static string CudaTracedCopy()
    {
        var path = Path.Combine(Fixtures.TempDir("clip-cuda"), "tiny_openai_clip.pt");
        using var input = ZipFile.OpenRead(Path.Combine(Dir, "tiny_openai_clip.pt"));
        using var output = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var entry in input.Entries)
        {
            using var src = entry.Open();
            using var buffer = new MemoryStream();
            src.CopyTo(buffer);
            var bytes = buffer.ToArray();
            if (entry.FullName.EndsWith(".py"))
            {
                var code = System.Text.Encoding.UTF8.GetString(bytes).Replace("torch.device(\"cpu\")", "torch.device(\"cuda:0\")").Replace("dtype=6", "dtype=5");
                code = Regex.Replace(code, @"(torch\.to\([^\n]*), 6\)", "$1, 5)");
                bytes = System.Text.Encoding.UTF8.GetBytes(code);
            }
            using var dst = output.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
            dst.Write(bytes);
        }
        return path;
    }

    [Fact]
    public void CudaTracedArchiveIsRebuiltAndItsRawGraphFailsClearly()
    {
        var path = CudaTracedCopy();
        using (var model = ClipModel.Load(path))
        {
            Assert.IsType<ClipRebuilt>(model);
            var io = Cmd.IO.SafeTensors.Load(Path.Combine(Dir, "standin_clip_io.safetensors"));
            using var probe = model.EncodeImage(io["probe_images"]);
            double diff = (probe - io["tiny_openai/probe_embeddings"]).abs().max().item<float>();
            Assert.True(diff < 5e-5, $"max |diff| {diff}"); // the same weights as tiny_openai_clip.pt: clip.load(jit=False)'s embeddings
        }
        using var raw = ClipModel.Load(path, runner: "torchscript");
        var e = Assert.Throws<InvalidOperationException>(() => raw.EncodeImage(TorchSharp.torch.zeros(new long[] { 1, 3, 224, 224 })));
        Assert.Contains("--runner rebuild", e.Message);
        Assert.Contains("'CUDA' backend", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
