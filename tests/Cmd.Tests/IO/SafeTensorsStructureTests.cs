using Cmd.IO;
using static TorchSharp.torch;

namespace Cmd.Tests.IO;

/// <summary>Issue 17: structurally corrupt files that used to be read as other numbers.</summary>
public class SafeTensorsStructureTests
{
    static (string Dir, string Path, byte[] Bytes) Written()
    {
        var dir = Fixtures.TempDir("st-structure");
        var path = System.IO.Path.Combine(dir, "w.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = arange(6, dtype: float32), ["b"] = arange(3, dtype: int64) },
            new Dictionary<string, string> { ["step"] = "3" });
        return (dir, path, File.ReadAllBytes(path));
    }

    static SafeTensorsException Refused(string dir, string name, byte[] bytes)
    {
        var path = System.IO.Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path).ReadAll());
        Assert.Equal(path, e.Path);
        return e;
    }

    [Fact]
    public void AHeaderLengthOffBy1To7BytesIsRefusedNotShifted()
    {
        var (dir, _, bytes) = Written();
        ulong n = BitConverter.ToUInt64(bytes, 0);
        for (int k = -7; k <= 7; k++)
        {
            if (k == 0) continue;
            var b = (byte[])bytes.Clone();
            BitConverter.GetBytes((ulong)((long)n + k)).CopyTo(b, 0);
            Refused(dir, $"len{k}.safetensors", b);
        }
    }

    [Fact]
    public void BytesInsertedIntoOrCutFromTheDataAreRefused()
    {
        var (dir, _, bytes) = Written();
        int dataStart = 8 + (int)BitConverter.ToUInt64(bytes, 0);
        var inserted = bytes.Take(dataStart + 4).Concat(new byte[] { 1, 2, 3 }).Concat(bytes.Skip(dataStart + 4)).ToArray();
        Assert.Contains("3 trailing bytes", Refused(dir, "inserted.safetensors", inserted).Message);
        Assert.Contains("truncated", Refused(dir, "cut.safetensors", bytes.Take(bytes.Length - 5).ToArray()).Message);
    }

    [Fact]
    public void TheWorkbenchChecksumCatchesAChangedDataByteAndStaysOutOfTheMetadata()
    {
        var (dir, path, bytes) = Written();
        Assert.Equal(new Dictionary<string, string> { ["step"] = "3" }, SafeTensorsFile.Open(path).Metadata);
        Assert.NotNull(SafeTensorsFile.Open(path).Checksum);
        var flipped = (byte[])bytes.Clone();
        flipped[^3] ^= 0x10;
        Assert.Contains("checksum mismatch", Refused(dir, "flipped.safetensors", flipped).Message);
        // files of other writers (no checksum) still load: the fixture written by PyTorch's make_fixtures.py
        Assert.Null(SafeTensorsFile.Open(Fixtures.Path("safetensors/pytorch_dtypes.safetensors")).Checksum);
        Assert.NotEmpty(SafeTensors.Load(Fixtures.Path("safetensors/pytorch_dtypes.safetensors")));
    }

    [Fact]
    public void ALoneSurrogateEscapeInTheHeaderIsTheLibrarysError()
    {
        var dir = Fixtures.TempDir("st-surrogate");
        var header = "{\"\\ud800\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}";
        var bytes = BitConverter.GetBytes((ulong)header.Length).Concat(System.Text.Encoding.UTF8.GetBytes(header)).ToArray();
        Assert.Contains("not valid Unicode", Refused(dir, "surrogate.safetensors", bytes).Message);
    }
}
