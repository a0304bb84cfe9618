namespace Cmd.Data;

/// <summary>Why a video could not give a clip.</summary>
public enum VideoProblem { Missing, Empty, NotVideo, Damaged, TooShort, Timeout, ToolMissing }

/// <summary>A video file that cannot give a correct clip: names the file and the reason.</summary>
public sealed class VideoDataException(string path, VideoProblem problem, string reason, Exception? inner = null)
    : Exception($"{path}: {Describe(problem)}: {reason}", inner)
{
    public string Path { get; } = path;
    public VideoProblem Problem { get; } = problem;
    public string Reason { get; } = reason;

    static string Describe(VideoProblem p) => p switch
    {
        VideoProblem.Missing => "missing file",
        VideoProblem.Empty => "zero-length file",
        VideoProblem.NotVideo => "not a video",
        VideoProblem.Damaged => "damaged video",
        VideoProblem.TooShort => "video too short",
        VideoProblem.Timeout => "decoding timed out",
        VideoProblem.ToolMissing => "ffmpeg missing",
        _ => p.ToString(),
    };
}

/// <summary>A video a dataset left out (policy Skip), with the reason.</summary>
public sealed record SkippedVideo(string Path, VideoProblem Problem, string Reason)
{
    public override string ToString() => $"{Path}: {Problem}: {Reason}";
}
