using static TorchSharp.torch;

namespace Cmd.Fuzzing;

/// <summary>
/// Mutations of a state file's meaning, written back as a well-formed file (checksum recomputed): what a buggy or
/// hostile writer could produce. Each one makes a state that must be refused: a dtype changed (never to float16 or
/// bfloat16, which weights may legitimately use), a shape changed, a tensor dropped, added or renamed, a bad step, a
/// scalar where a moment was, non-finite or negative moments, RNG fields libtorch rejects.
/// </summary>
public static class StateMutations
{
    static readonly ScalarType[] OtherTypes = [ScalarType.Int32, ScalarType.Int64, ScalarType.Float64, ScalarType.Bool, ScalarType.Byte, ScalarType.Int16];

    /// <summary>Mutates <paramref name="tensors"/> (a fresh copy the caller owns) and <paramref name="meta"/> in place; says what it did.</summary>
    public static string Apply(Dictionary<string, Tensor> tensors, Dictionary<string, string> meta, Random r, bool checkpoint)
    {
        var keys = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        string Pick(Func<string, bool>? where = null)
        {
            var k = keys.Where(where ?? (_ => true)).ToList();
            return k.Count == 0 ? keys[r.Next(keys.Count)] : k[r.Next(k.Count)];
        }
        int choice = r.Next(checkpoint ? 12 : 6);
        switch (choice)
        {
            case 0:
            {
                var k = Pick(x => tensors[x].is_floating_point());
                var to = OtherTypes.Where(t => t != tensors[k].dtype).ElementAt(r.Next(OtherTypes.Length - 1));
                tensors[k] = tensors[k].to(to);
                return $"'{k}' stored as {to}";
            }
            case 1:
            {
                var k = Pick(x => tensors[x].numel() > 1);
                var t = tensors[k];
                tensors[k] = r.Next(2) == 0 ? t.flatten() : t.reshape([.. t.shape.Prepend(1)]);
                return $"'{k}' reshaped to [{string.Join(",", tensors[k].shape)}]";
            }
            case 2:
            {
                var k = Pick(x => x != "rng.torch"); // a checkpoint without an RNG state loads, and says so (tested on its own)
                tensors.Remove(k);
                return $"'{k}' dropped";
            }
            case 3:
            {
                var k = Pick();
                tensors[k + "_extra"] = tensors[k].clone();
                return $"stray tensor '{k}_extra'";
            }
            case 4:
            {
                var k = Pick(x => x != "rng.torch");
                var t = tensors[k];
                tensors.Remove(k);
                tensors[k.Replace('.', '_')] = t;
                return $"'{k}' renamed";
            }
            case 5:
            {
                var key = checkpoint ? "step" : "model_config";
                string[] bad = checkpoint ? ["-3", "1e3", "", "abc", "99999999999999999999", " 5", "+2", "2.0"] : ["{", "[]", "null", "{\"Frames\":-1}", "\"x\"", "{\"Depth\":1e9}"];
                meta[key] = bad[r.Next(bad.Length)];
                return $"metadata {key} := '{meta[key]}'";
            }
            case 6:
            {
                var k = Pick(x => x.EndsWith(".exp_avg", StringComparison.Ordinal) || x.EndsWith(".exp_avg_sq", StringComparison.Ordinal));
                tensors[k] = tensor(0.5f);
                return $"'{k}' stored as a scalar";
            }
            case 7:
            {
                var k = Pick(x => x.EndsWith(".step", StringComparison.Ordinal));
                float[] bad = [-1f, 2.5f, float.NaN, float.PositiveInfinity, 1e9f];
                tensors[k] = r.Next(3) == 0 ? tensor(new[] { 2f }) : tensor(bad[r.Next(bad.Length)]);
                return $"'{k}' := {tensors[k].ToString(TorchSharp.TensorStringStyle.Julia)}".Replace('\n', ' ');
            }
            case 8:
            {
                var k = Pick(x => x.EndsWith(".exp_avg", StringComparison.Ordinal) || x.EndsWith(".exp_avg_sq", StringComparison.Ordinal));
                var values = tensors[k].data<float>().ToArray(); // changed in managed memory: no implicit Scalar, no temporary view
                float v = k.EndsWith("_sq", StringComparison.Ordinal) && r.Next(2) == 0 ? -1f : float.NaN;
                values[r.Next(values.Length)] = v;
                tensors[k] = tensor(values).reshape(tensors[k].shape);
                return $"'{k}' holds {v}";
            }
            default:
            {
                // the RNG state: a bit of a field libtorch checks or relies on, or its size or dtype
                var rng = tensors["rng.torch"].clone();
                var bytes = rng.data<byte>().ToArray();
                int[] fieldBytes = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 5040, 5041, 5042, 5043, 5052];
                int what = r.Next(6);
                if (what == 0) { tensors["rng.torch"] = rng.narrow(0, 0, r.Next(1, 5056)); return "rng state truncated"; }
                if (what == 1) { tensors["rng.torch"] = rng.to(ScalarType.Int32); return "rng state as int32"; }
                if (what == 2)
                {
                    int word = r.Next(624), at = 24 + 8 * word + 4 + r.Next(4);
                    bytes[at] ^= (byte)(1 << r.Next(8));
                    tensors["rng.torch"] = tensor(bytes);
                    return $"rng state word {word}: a high bit set";
                }
                int b = fieldBytes[r.Next(fieldBytes.Length)];
                int bit = b is 5040 or 5052 ? 1 + r.Next(7) : r.Next(8); // bit 0 of a flag makes another valid state
                bytes[b] ^= (byte)(1 << bit);
                tensors["rng.torch"] = tensor(bytes);
                return $"rng state byte {b} bit {bit} flipped";
            }
        }
    }
}
