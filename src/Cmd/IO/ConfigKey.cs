using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cmd.IO;

/// <summary>
/// A short, stable key for a fully resolved configuration: run folders named by it are never reused by a run with a
/// different parameter (sweep cells, notebook training folders).
/// </summary>
public static class ConfigKey
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false, IncludeFields = false };

    /// <summary>The first 12 hex digits of SHA-256 over the canonical JSON of <paramref name="config"/>.</summary>
    public static string Of(object config) => Hash(Canonical(config));

    /// <summary>The canonical JSON that <see cref="Of"/> hashes: objects' properties sorted by name, no whitespace.</summary>
    public static string Canonical(object config)
    {
        var node = JsonSerializer.SerializeToNode(config, config.GetType(), Json);
        var sb = new StringBuilder();
        Write(node, sb);
        return sb.ToString();
    }

    static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];

    static void Write(System.Text.Json.Nodes.JsonNode? node, StringBuilder sb)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    sb.Append(JsonSerializer.Serialize(k)).Append(':');
                    Write(v, sb);
                }
                sb.Append('}');
                break;
            case System.Text.Json.Nodes.JsonArray a:
                sb.Append('[');
                for (int i = 0; i < a.Count; i++) { if (i > 0) sb.Append(','); Write(a[i], sb); }
                sb.Append(']');
                break;
            case null: sb.Append("null"); break;
            default: sb.Append(node.ToJsonString()); break;
        }
    }
}
