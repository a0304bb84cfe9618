using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Cmd.Studies;

/// <summary>A variant's settings applied to a config record: JSON property names of the record, checked one by one.</summary>
public static class ConfigChanges
{
    static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() }, PropertyNameCaseInsensitive = true };

    /// <summary>
    /// <paramref name="config"/> with <paramref name="changes"/> set (e.g. {"LatentChannels": 16}); an unknown or
    /// read-only name, or a value of the wrong type, is an error naming <paramref name="what"/> and the setting.
    /// </summary>
    public static T Apply<T>(T config, JsonObject? changes, string what) where T : class
    {
        if (changes is null || changes.Count == 0) return config;
        var node = JsonSerializer.SerializeToNode(config, Json)!.AsObject();
        foreach (var (name, value) in changes)
        {
            var property = typeof(T).GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
                throw new StudyException($"{what}: {typeof(T).Name} has no setting '{name}' (settings: {string.Join(", ", Settable<T>())})");
            node[property.Name] = value?.DeepClone();
        }
        try { return node.Deserialize<T>(Json) ?? throw new StudyException($"{what}: empty {typeof(T).Name}"); }
        catch (JsonException e) { throw new StudyException($"{what}: {typeof(T).Name} {e.Message}"); }
    }

    static IEnumerable<string> Settable<T>() => typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.GetCustomAttribute<JsonIgnoreAttribute>() is null).Select(p => p.Name);
}
