namespace Cmd.Fuzzing;

/// <summary>The fuzz targets by name. Shells add their own (the notebook reader lives with the notebooks).</summary>
public static class FuzzTargets
{
    static readonly Dictionary<string, Func<IFuzzTarget>> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["safetensors"] = () => new SafeTensorsTarget(),
        ["checkpoint"] = () => new CheckpointTarget(),
        ["weights"] = () => new WeightsTarget(),
        ["webvid-csv"] = () => new WebVidCsvTarget(),
        ["ucf101-lists"] = () => new Ucf101ListsTarget(),
    };

    public static void Register(string name, Func<IFuzzTarget> make) => Known[name] = make;

    public static IReadOnlyList<string> Names => Known.Keys.Order(StringComparer.Ordinal).ToList();

    public static IFuzzTarget Create(string name) =>
        Known.TryGetValue(name, out var make) ? make() : throw new ArgumentException($"unknown fuzz target '{name}' (known: {string.Join(", ", Names)})");
}
