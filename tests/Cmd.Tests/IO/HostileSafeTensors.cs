using System.Text;

namespace Cmd.Tests.IO;

/// <summary>Malformed safetensors files, each with a phrase its error message must contain.</summary>
public static class HostileSafeTensors
{
    static byte[] File(string header, int dataBytes = 0) =>
        File(Encoding.UTF8.GetBytes(header), (ulong)Encoding.UTF8.GetByteCount(header), dataBytes);

    static byte[] File(byte[] header, ulong declaredLength, int dataBytes)
    {
        var bytes = new List<byte>(BitConverter.GetBytes(declaredLength));
        bytes.AddRange(header);
        bytes.AddRange(new byte[dataBytes]);
        return bytes.ToArray();
    }

    const string F32x2 = "\"dtype\":\"F32\",\"shape\":[2]";

    static string One(string entry) => "{\"w\":{" + entry + "}}";

    public static IEnumerable<(string Name, byte[] Bytes, string Expected)> Cases()
    {
        yield return ("empty", Array.Empty<byte>(), "too short");
        yield return ("five-bytes", new byte[] { 1, 2, 3, 4, 5 }, "too short");
        yield return ("header-past-end", File(Encoding.UTF8.GetBytes("{}"), 4096, 0), "runs past the end");
        yield return ("header-huge", File(Encoding.UTF8.GetBytes("{}"), ulong.MaxValue, 0), "exceeds");
        yield return ("header-over-100mb", File(Encoding.UTF8.GetBytes("{}"), 200_000_000, 0), "exceeds");
        yield return ("not-json", File("{\"a\": [1, 2"), "not valid JSON");
        yield return ("json-array", File("[1,2,3]"), "not an object");
        yield return ("unknown-dtype", File(One("\"dtype\":\"F8_E9\",\"shape\":[2],\"data_offsets\":[0,8]"), 8), "unknown dtype 'F8_E9'");
        yield return ("size-mismatch", File(One(F32x2 + ",\"data_offsets\":[0,12]"), 12), "needs 8 bytes but data_offsets give 12");
        yield return ("offsets-beyond-data", File(One(F32x2 + ",\"data_offsets\":[0,8]"), 4), "the data section has 4");
        yield return ("offsets-reversed", File(One(F32x2 + ",\"data_offsets\":[8,0]"), 8), "0 <= begin <= end");
        yield return ("offsets-negative", File(One(F32x2 + ",\"data_offsets\":[-8,0]"), 8), "0 <= begin <= end");
        yield return ("offsets-overlap", File("{\"a\":{" + F32x2 + ",\"data_offsets\":[0,8]},\"b\":{" + F32x2 + ",\"data_offsets\":[4,12]}}", 12), "overlap");
        yield return ("missing-dtype", File(One("\"shape\":[2],\"data_offsets\":[0,8]"), 8), "missing string 'dtype'");
        yield return ("negative-dim", File(One("\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]"), 8), "non-negative integer");
        yield return ("shape-overflow", File(One("\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,8]"), 8), "more than 2^63");
        yield return ("metadata-not-strings", File("{\"__metadata__\":{\"epoch\":3}}"), "'epoch' is not a string");
        yield return ("duplicate-key", File("{\"w\":{" + F32x2 + ",\"data_offsets\":[0,8]},\"w\":{" + F32x2 + ",\"data_offsets\":[0,8]}}", 8), "appears twice");
        yield return ("offsets-three", File(One(F32x2 + ",\"data_offsets\":[0,4,8]"), 8), "must be [begin, end]");
        yield return ("binary-garbage", File(new byte[] { 0xff, 0xfe, 0x00, 0x7b }, 4, 0), "not valid UTF-8");
        // issue 17: what the format promises beyond each entry on its own
        yield return ("invalid-utf8-in-key", File(new byte[] { (byte)'{', (byte)'"', (byte)'w', 0xff, (byte)'"', (byte)':', (byte)'{', (byte)'}', (byte)'}' }, 9, 0), "not valid UTF-8");
        yield return ("lone-surrogate-bytes", File(new byte[] { (byte)'{', (byte)'"', 0xed, 0xa0, 0x80, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, 9, 0), "not valid UTF-8");
        yield return ("gap-at-start", File(One(F32x2 + ",\"data_offsets\":[4,12]"), 12), "belong to no tensor");
        yield return ("gap-between", File("{\"a\":{" + F32x2 + ",\"data_offsets\":[0,8]},\"b\":{" + F32x2 + ",\"data_offsets\":[12,20]}}", 20), "belong to no tensor");
        yield return ("trailing-bytes", File(One(F32x2 + ",\"data_offsets\":[0,8]"), 11), "3 trailing bytes");
        yield return ("missing-bytes", File(One(F32x2 + ",\"data_offsets\":[0,8]"), 7), "the data section has 7");
        yield return ("offsets-strings", File(One(F32x2 + ",\"data_offsets\":[\"0\",\"8\"]"), 8), "are not integers");
        yield return ("offsets-floats", File(One(F32x2 + ",\"data_offsets\":[0.0,8.5]"), 8), "are not integers");
        yield return ("shape-string", File(One("\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]"), 8), "not a non-negative integer");
        yield return ("shape-object", File(One("\"dtype\":\"F32\",\"shape\":{},\"data_offsets\":[0,8]"), 8), "missing array 'shape'");
        yield return ("dtype-number", File(One("\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]"), 8), "missing string 'dtype'");
        yield return ("entry-array", File("{\"w\":[1,2]}"), "entry is not an object");
        yield return ("metadata-array", File("{\"__metadata__\":[\"a\"]}"), "__metadata__ is not an object");
        yield return ("metadata-duplicate", File("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}"), "'a' appears twice");
        yield return ("header-length-zero", File(Array.Empty<byte>(), 0, 0), "too small");
        yield return ("json-string", File("\"just a string\""), "not an object");
        yield return ("deep-nesting", File("{\"__metadata__\":" + new string('[', 40) + new string(']', 40) + "}"), "not valid JSON");
    }
}
