using System.Text.Json;
using Cmd.IO;
using static TorchSharp.torch;

namespace Cmd.Tests.IO;

public class SafeTensorsTests
{
    static readonly string DTypesFile = Fixtures.Path("safetensors/pytorch_dtypes.safetensors");

    [Fact]
    public void ReadsEveryDTypeWrittenByPyTorch()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("safetensors/pytorch_dtypes.json")));
        var tensors = SafeTensors.Load(DTypesFile);
        Assert.Equal(json.RootElement.EnumerateObject().Count(), tensors.Count);
        foreach (var expected in json.RootElement.EnumerateObject())
        {
            var t = tensors[expected.Name];
            Assert.Equal(expected.Value.GetProperty("dtype").GetString(), SafeDType.FromScalarType(t.dtype));
            Assert.Equal(expected.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()), t.shape);
            var values = expected.Value.GetProperty("values").EnumerateArray().ToList();
            if (t.dtype == ScalarType.Int64)
                Assert.Equal(values.Select(v => v.GetInt64()), t.flatten().data<long>().ToArray());
            else
                Assert.Equal(values.Select(v => v.GetDouble()), t.to_type(ScalarType.Float64).flatten().data<double>().ToArray().Select(x => x));
        }
        Assert.Equal("make_fixtures.py", SafeTensors.LoadMetadata(DTypesFile)["made_by"]);
    }

    [Fact]
    public void RoundTripIsBitExactForEveryDType()
    {
        var original = SafeTensors.Load(DTypesFile);
        var path = Path.Combine(Fixtures.TempDir(), "roundtrip.safetensors");
        var metadata = new Dictionary<string, string> { ["step"] = "42", ["note"] = "üñí" };
        SafeTensors.Save(path, original, metadata);
        var back = SafeTensors.Load(path);
        Assert.Equal(original.Keys.OrderBy(k => k), back.Keys.OrderBy(k => k));
        foreach (var (name, t) in original)
        {
            Assert.Equal(t.dtype, back[name].dtype);
            Assert.Equal(t.shape, back[name].shape);
            Assert.Equal(t.numel() == 0 ? Array.Empty<byte>() : t.bytes.ToArray(), back[name].numel() == 0 ? Array.Empty<byte>() : back[name].bytes.ToArray());
        }
        Assert.Equal(metadata, SafeTensors.LoadMetadata(path));
    }

    [Fact]
    public void SavesNonContiguousTensorsByValue()
    {
        var t = arange(12, dtype: float32).reshape(3, 4).t(); // a transposed view
        var path = Path.Combine(Fixtures.TempDir(), "view.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["t"] = t });
        Assert.True(SafeTensors.Load(path)["t"].eq(t).all().item<bool>());
    }

    [Fact]
    public void HeaderIsAlignedAndReadableByTheSpec()
    {
        var path = Path.Combine(Fixtures.TempDir(), "aligned.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = ones(3, dtype: float16) });
        var bytes = File.ReadAllBytes(path);
        ulong n = BitConverter.ToUInt64(bytes, 0);
        Assert.Equal(0UL, n % 8);
        Assert.Equal(8 + (long)n + 6, bytes.Length);
    }

    [Fact]
    public void EveryHostileHeaderIsRejectedWithTheFileAndProblemNamed()
    {
        var dir = Fixtures.TempDir("hostile");
        int count = 0;
        foreach (var (name, bytes, expected) in HostileSafeTensors.Cases())
        {
            var path = Path.Combine(dir, name + ".safetensors");
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path));
            Assert.Equal(path, e.Path);
            Assert.Contains(expected, e.Message);
            count++;
        }
        Assert.True(count >= 10);
    }

    [Fact]
    public void MissingFileIsAClearError()
    {
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open("/nonexistent/w.safetensors"));
        Assert.Contains("file not found", e.Message);
    }
}
