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
        yield return ("offsets-beyond-data", File(One(F32x2 + ",\"data_offsets\":[0,8]"), 4), "beyond the 4-byte data section");
        yield return ("offsets-reversed", File(One(F32x2 + ",\"data_offsets\":[8,0]"), 8), "not 0 <= begin <= end");
        yield return ("offsets-negative", File(One(F32x2 + ",\"data_offsets\":[-8,0]"), 8), "not 0 <= begin <= end");
        yield return ("offsets-overlap", File("{\"a\":{" + F32x2 + ",\"data_offsets\":[0,8]},\"b\":{" + F32x2 + ",\"data_offsets\":[4,12]}}", 12), "overlap");
        yield return ("missing-dtype", File(One("\"shape\":[2],\"data_offsets\":[0,8]"), 8), "missing string 'dtype'");
        yield return ("negative-dim", File(One("\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]"), 8), "non-negative integer");
        yield return ("shape-overflow", File(One("\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,8]"), 8), "more than 2^63");
        yield return ("metadata-not-strings", File("{\"__metadata__\":{\"epoch\":3}}"), "'epoch' is not a string");
        yield return ("duplicate-key", File("{\"w\":{" + F32x2 + ",\"data_offsets\":[0,8]},\"w\":{" + F32x2 + ",\"data_offsets\":[0,8]}}", 8), "appears twice");
        yield return ("offsets-three", File(One(F32x2 + ",\"data_offsets\":[0,4,8]"), 8), "must be [begin, end]");
        yield return ("binary-garbage", File(new byte[] { 0xff, 0xfe, 0x00, 0x7b }, 4, 0), "not valid JSON");
    }
}
