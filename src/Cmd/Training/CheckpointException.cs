namespace Cmd.Training;

/// <summary>A training checkpoint whose content does not fit the run resuming from it, with the file and the problem named.</summary>
public sealed class CheckpointException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}
