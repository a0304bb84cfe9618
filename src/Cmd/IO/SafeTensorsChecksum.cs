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
    /// <summary>The stored value is self-describing ("cmd.sha256:" + 64 hex digits), so a damaged key or value is seen.</summary>
    public const string ValuePrefix = Key + ":";

    public static string Value(string hex) => ValuePrefix + hex;

    /// <summary>
    /// The stored hex digest, or null for a file without the checksum; a damaged entry (the key renamed, or its value
    /// changed) is a problem, since the file was then changed after it was written.
    /// </summary>
    public static string? Stored(IReadOnlyDictionary<string, string> metadata, out string? problem)
    {
        problem = null;
        if (metadata.TryGetValue(Key, out var value))
        {
            if (value.StartsWith(ValuePrefix, StringComparison.Ordinal) && value.Length == ValuePrefix.Length + 64
                && value.AsSpan(ValuePrefix.Length).ContainsAnyExcept("0123456789abcdef") == false)
                return value[ValuePrefix.Length..];
            problem = $"its checksum entry '{Key}' is damaged";
            return null;
        }
        if (metadata.FirstOrDefault(kv => kv.Value.StartsWith(ValuePrefix, StringComparison.Ordinal)) is { Key: { } other })
            problem = $"its checksum is stored under another key ('{other}' instead of '{Key}'): the header was changed";
        return null;
    }
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
