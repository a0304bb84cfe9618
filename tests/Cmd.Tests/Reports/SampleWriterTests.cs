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
        Assert.All(written.Gifs.Append(written.ContentGrid).Append(written.VideoGrid).Append(written.Sheet),
            f => Assert.True(new FileInfo(f).Length > 0));
        // the tensors file is what FVD reads as fake videos: same videos back, plus content frames, z and labels
        var (videos, _) = Cmd.Data.VideoTensorFile.Read(written.Tensors);
        Assert.True(videos.sub(sampled).abs().max().item<float>() == 0f);
        var all = Cmd.IO.SafeTensors.Load(written.Tensors);
        Assert.Equal(new long[] { 1, 2, 3 }, all["label"].data<long>().ToArray());
        Assert.Equal(z.shape, all["z"].shape);
    }

    [Fact]
    public void ManySamplesAreGroupedByClassWithAFewFilesPerClass()
    {
        var dir = Fixtures.TempDir("pipe-many");
        manual_seed(1);
        long[] labels = [.. Enumerable.Range(0, 3).SelectMany(c => Enumerable.Repeat((long)c, 12))];
        var videos = rand(new long[] { labels.Length, 4, 1, 8, 8 }) * 2 - 1;
        var written = SampleWriter.Write(dir, rand(labels.Length, 1, 8, 8), videos, labels, scale: 1,
            storage: ScalarType.Float16);
        // two GIFs per class (the first two of each), not one per video
        Assert.Equal(["sample_00_class0.gif", "sample_01_class0.gif", "sample_12_class1.gif", "sample_13_class1.gif",
            "sample_24_class2.gif", "sample_25_class2.gif"], written.Gifs.Select(Path.GetFileName));
        // the video PNG: a row per class, 10 videos x (first, middle, last frame) of 8 px + 2 px padding
        using var png = SixLabors.ImageSharp.Image.Load(written.VideoGrid);
        Assert.Equal((2 + 3 * 10 * 10, 2 + 3 * 10), (png.Width, png.Height));
        using var content = SixLabors.ImageSharp.Image.Load(written.ContentGrid);
        Assert.Equal((2 + 10 * 10, 2 + 3 * 10), (content.Width, content.Height));
        // stored as float16 (half the bytes), read back as float32 within float16's rounding
        Assert.Equal("F16", Cmd.IO.SafeTensorsFile.Open(written.Tensors)["videos"].DType);
        var (back, _) = Cmd.Data.VideoTensorFile.Read(written.Tensors);
        Assert.InRange(back.sub(videos).abs().max().item<float>(), 1e-6f, 1e-3f);
    }
}
