using System.Text;
using Cmd.IO;
using static TorchSharp.torch;

namespace Cmd.Fuzzing;

/// <summary>
/// The safetensors reader (<see cref="SafeTensorsFile"/>): a file written by the workbench (tensors of every dtype,
/// a scalar, an empty tensor, metadata, checksum) mutated in its bytes, its header length, its JSON tokens and its data.
/// Accepted means read to the same tensors and metadata; anything else must be a <see cref="SafeTensorsException"/>.
/// </summary>
public class SafeTensorsTarget : IFuzzTarget
{
    public const string FileName = "input.safetensors";
    protected byte[] Seed = [];
    protected string SeedPath = "";

    public virtual string Name => "safetensors";
    public virtual string Description => "the safetensors reader (header, tiling, UTF-8, checksum)";
    public bool TextFormat => false;

    public virtual void Prepare(string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        SeedPath = Path.Combine(workDirectory, "seed.safetensors");
        using (var scope = NewDisposeScope())
        {
            var tensors = new Dictionary<string, Tensor>
            {
                ["weight"] = arange(24, dtype: float32).reshape(2, 3, 4).div(7),
                ["half"] = arange(6, dtype: float16).reshape(3, 2),
                ["bf16"] = arange(4, dtype: bfloat16),
                ["index"] = arange(5, dtype: int64).mul(1000),
                ["mask"] = tensor(new[] { true, false, true }),
                ["bytes"] = arange(7, dtype: ScalarType.Byte),
                ["scalar"] = tensor(3.5f),
                ["empty"] = zeros(0, 4),
                ["double"] = tensor(new[] { Math.PI, Math.E }),
            };
            SafeTensors.Save(SeedPath, tensors, new Dictionary<string, string> { ["format"] = "fuzz-seed", ["step"] = "42", ["note"] = "üñí" });
        }
        Seed = File.ReadAllBytes(SeedPath);
    }

    protected int HeaderEnd => 8 + (int)BitConverter.ToUInt64(Seed, 0);

    public virtual FuzzInput Generate(Random r) => One(Mutate(Seed, r));

    protected static FuzzInput One((byte[] Data, string What) m) => new(new Dictionary<string, byte[]> { [FileName] = m.Data }, m.What);

    /// <summary>A mutation of a safetensors file: raw bytes (mostly in the header), the header length, JSON tokens, or two at once.</summary>
    protected static (byte[] Data, string What) Mutate(byte[] seed, Random r)
    {
        int headerEnd = 8 + (int)BitConverter.ToUInt64(seed, 0);
        switch (r.Next(10))
        {
            case 0 or 1 or 2: return Mutations.Raw(seed, r, 0, headerEnd);
            case 3: return Mutations.Raw(seed, r, headerEnd, seed.Length);
            case 4 or 5:
            {
                long delta = r.Next(4) == 0 ? r.NextInt64(-headerEnd, 1 << 20) : r.Next(-16, 17);
                var d = (byte[])seed.Clone();
                BitConverter.GetBytes((ulong)(headerEnd - 8 + delta)).CopyTo(d, 0);
                return (d, $"header length {(delta >= 0 ? "+" : "")}{delta}");
            }
            case 6 or 7 or 8:
            {
                string header = Encoding.UTF8.GetString(seed, 8, headerEnd - 8);
                var (text, what) = Mutations.Json(header, r);
                bool fixLength = r.Next(4) != 0; // mostly keep the length right, so the mutation reaches the deeper checks
                var h = Encoding.UTF8.GetBytes(text);
                var d = new List<byte>(BitConverter.GetBytes((ulong)(fixLength ? h.Length : headerEnd - 8)));
                d.AddRange(h);
                d.AddRange(seed.AsSpan(headerEnd).ToArray());
                return (d.ToArray(), what + (fixLength ? " (length fixed)" : ""));
            }
            default:
            {
                var (a, w1) = Mutations.Raw(seed, r, 0, headerEnd);
                var (b, w2) = Mutations.Raw(a, r);
                return (b, w1 + "; " + w2);
            }
        }
    }

    public virtual (FuzzOutcome Outcome, string? Detail) Run(string inputDirectory)
    {
        string path = Path.Combine(inputDirectory, FileName);
        Dictionary<string, Tensor> read;
        SafeTensorsFile file;
        try
        {
            file = SafeTensorsFile.Open(path);
            read = file.ReadAll();
        }
        catch (SafeTensorsException e) when (FuzzRunner.NamesFileIn(e, inputDirectory)) { return (FuzzOutcome.CleanRejection, null); }
        var seedFile = SafeTensorsFile.Open(SeedPath);
        var seed = seedFile.ReadAll();
        try
        {
            string? diff = Difference(seed, read) ?? (Same(seedFile.Metadata, file.Metadata) ? null : "metadata differs");
            return diff is null ? (FuzzOutcome.AcceptedIdentical, null) : (FuzzOutcome.AcceptedDifferent, diff);
        }
        finally { foreach (var t in read.Values.Concat(seed.Values)) t.Dispose(); }
    }

    public virtual void Dispose() { }

    static bool Same(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>The first difference between two tensor sets (names, dtypes, shapes, bytes), or null.</summary>
    public static string? Difference(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual)
    {
        if (!expected.Keys.Order().SequenceEqual(actual.Keys.Order())) return $"tensor names differ ({string.Join(",", actual.Keys.Except(expected.Keys).Take(3))})";
        foreach (var (k, e) in expected)
        {
            var a = actual[k];
            if (a.dtype != e.dtype || !a.shape.SequenceEqual(e.shape)) return $"'{k}' is {a.dtype} [{string.Join(",", a.shape)}], was {e.dtype} [{string.Join(",", e.shape)}]";
            if (e.numel() > 0 && !a.bytes.SequenceEqual(e.bytes)) return $"'{k}' has other bytes";
        }
        return null;
    }
}
