namespace Cmd.IO;

/// <summary>A safetensors file that cannot be read, with the file and the problem named.</summary>
public sealed class SafeTensorsException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}
