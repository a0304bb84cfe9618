using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cmd.IO;

/// <summary>
/// The workbench's own integrity check, stored in a safetensors file's metadata under <see cref="Key"/>: SHA-256 over
/// the header's meaning (each tensor's name, dtype, shape and offsets in file order; the other metadata sorted) and
/// the data section. The format itself has none, so a flipped bit in the data is otherwise read as a different number.
/// Files without the key (PyTorch's, older workbench files) are read without it.
/// </summary>
public sealed class SafeTensorsChecksum : IDisposable
{
    public const string Key = "cmd.sha256";
    readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Starts a checksum with the header's meaning; feed the data section with <see cref="Append"/>.</summary>
    public SafeTensorsChecksum(IEnumerable<SafeTensorEntry> entriesInFileOrder, IReadOnlyDictionary<string, string> metadata)
    {
        var sb = new StringBuilder();
        foreach (var e in entriesInFileOrder)
            sb.Append(e.Name).Append('\0').Append(e.DType).Append('\0').Append(string.Join(",", e.Shape)).Append('\0')
              .Append(e.Begin.ToString(CultureInfo.InvariantCulture)).Append('\0').Append(e.End.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var (k, v) in metadata.Where(kv => kv.Key != Key).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append(k).Append('\0').Append(v).Append('\n');
        hash.AppendData(Encoding.UTF8.GetBytes(sb.ToString()));
    }

    public void Append(ReadOnlySpan<byte> data) => hash.AppendData(data);

    public string Hex() => Convert.ToHexStringLower(hash.GetHashAndReset());

    public void Dispose() => hash.Dispose();
}
