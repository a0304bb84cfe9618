using Cmd.Data;
using Cmd.IO;
using static TorchSharp.torch;

namespace Cmd.Tests.Data;

public class VideoTensorFileTests
{
    static string Write(Tensor videos, Dictionary<string, string>? meta = null)
    {
        string path = Path.Combine(Fixtures.TempDir(), "videos.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["videos"] = videos }, meta);
        return path;
    }

    [Fact]
    public void ReadsVideosInRangeWithTheirCaptions()
    {
        using var v = rand(new long[] { 2, 8, 1, 16, 16 }) * 2 - 1;
        var (read, captions) = VideoTensorFile.Read(Write(v, new() { ["captions"] = "[\"a\", \"b\"]" }));
        using (read) Assert.True(read.eq(v).all().item<bool>());
        Assert.Equal(["a", "b"], captions!);
    }

    [Fact]
    public void RefusesWrongDtypeRangeAndLayoutByName()
    {
        using var bytes = randint(0, 256, [2, 8, 1, 16, 16]).to(ScalarType.Byte);
        Assert.Contains("is U8", Assert.Throws<ArgumentException>(() => VideoTensorFile.Read(Write(bytes))).Message);
        using var unit = rand(new long[] { 2, 8, 3, 16, 16 });                          // [0, 1] frames: plausible, but not the layout
        Assert.Contains("x * 2 - 1", Assert.Throws<ArgumentException>(() => VideoTensorFile.Read(Write(unit))).Message);
        using var wide = rand(new long[] { 2, 8, 1, 16, 16 }) * 4 - 2;
        Assert.Contains("values span", Assert.Throws<ArgumentException>(() => VideoTensorFile.Read(Write(wide))).Message);
        using var flat = rand(new long[] { 2, 8, 16, 16 });
        Assert.Contains("[N, L, C in (1, 3), H, W]", Assert.Throws<ArgumentException>(() => VideoTensorFile.Read(Write(flat))).Message);
        Assert.Throws<FileNotFoundException>(() => VideoTensorFile.Read("/nonexistent/videos.safetensors"));
    }
}
