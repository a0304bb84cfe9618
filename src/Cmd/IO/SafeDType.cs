using TorchSharp;

namespace Cmd.IO;

/// <summary>The safetensors dtype names and their TorchSharp equivalents.</summary>
public static class SafeDType
{
    static readonly Dictionary<string, (torch.ScalarType Type, int Size)> ByName = new()
    {
        ["F64"] = (torch.ScalarType.Float64, 8),
        ["F32"] = (torch.ScalarType.Float32, 4),
        ["F16"] = (torch.ScalarType.Float16, 2),
        ["BF16"] = (torch.ScalarType.BFloat16, 2),
        ["I64"] = (torch.ScalarType.Int64, 8),
        ["I32"] = (torch.ScalarType.Int32, 4),
        ["I16"] = (torch.ScalarType.Int16, 2),
        ["I8"] = (torch.ScalarType.Int8, 1),
        ["U8"] = (torch.ScalarType.Byte, 1),
        ["BOOL"] = (torch.ScalarType.Bool, 1),
    };

    public static bool IsKnown(string name) => ByName.ContainsKey(name);
    public static int ElementSize(string name) => ByName[name].Size;
    public static torch.ScalarType ToScalarType(string name) => ByName[name].Type;

    public static string FromScalarType(torch.ScalarType type) =>
        ByName.FirstOrDefault(kv => kv.Value.Type == type).Key
        ?? throw new NotSupportedException($"dtype {type} has no safetensors name");

    public static IEnumerable<string> Names => ByName.Keys;
}
