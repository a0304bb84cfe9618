using Cmd.Reports;
using static TorchSharp.torch;

namespace Cmd.Tests.Reports;

/// <summary>Sampled content frames and videos as images, GIFs and the tensors file FVD and CLIPSIM read.</summary>
public class SampleWriterTests
{
    [Fact]
    public void WritesImagesAndTheTensorsFvdReads()
    {
        var dir = Fixtures.TempDir("pipe");
        // what CmdSampler.Sample returns for three tiny samples: content frames, motion latents, videos in [-1, 1]
        manual_seed(0);
        var contentFrames = rand(3, 1, 32, 32) * 2 - 1;
        var z = randn(3, 4, 8, 8);
        var sampled = rand(new long[] { 3, 8, 1, 32, 32 }) * 2 - 1;
        var written = SampleWriter.Write(Path.Combine(dir, "out"), contentFrames, sampled, [1, 2, 3], z);
        Assert.All(written.Gifs.Append(written.ContentGrid).Append(written.VideoGrid), f => Assert.True(new FileInfo(f).Length > 0));
        // the tensors file is what FVD reads as fake videos: same videos back, plus content frames, z and labels
        var (videos, _) = Cmd.Data.VideoTensorFile.Read(written.Tensors);
        Assert.True(videos.sub(sampled).abs().max().item<float>() == 0f);
        var all = Cmd.IO.SafeTensors.Load(written.Tensors);
        Assert.Equal(new long[] { 1, 2, 3 }, all["label"].data<long>().ToArray());
        Assert.Equal(z.shape, all["z"].shape);
    }
}
