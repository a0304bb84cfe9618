using System.Diagnostics;

namespace Cmd.Data;

/// <summary>
/// Finds the workbench checkout (the folder with Workbench.sln and data/) from the running assembly or the current
/// directory, so tests, the CLI and notebooks reach data/ scripts and data/raw/ wherever they run from.
/// </summary>
public static class RepoData
{
    /// <summary>The checkout root; CMD_WORKBENCH_ROOT overrides. Throws when none is found.</summary>
    public static string Root => root.Value ?? throw new DirectoryNotFoundException(
        "cannot find the workbench checkout (a folder with Workbench.sln and data/) above the program or the current directory; set CMD_WORKBENCH_ROOT");
    static readonly Lazy<string?> root = new(FindRoot);

    static string? FindRoot()
    {
        if (Environment.GetEnvironmentVariable("CMD_WORKBENCH_ROOT") is { Length: > 0 } env) return Path.GetFullPath(env);
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Workbench.sln")) && Directory.Exists(Path.Combine(dir.FullName, "data")))
                    return dir.FullName;
        return null;
    }

    public static string DataDirectory => Path.Combine(Root, "data");
}

/// <summary>Real videos from Debian's opencv-doc package (data/opencv/fetch-videos.sh puts them in data/raw/opencv/).</summary>
public static class OpenCvVideos
{
    public static IReadOnlyList<string> Files => ["vtest.avi", "Megamind.avi", "Megamind_bugy.avi", "tree.avi", "box.mp4", "cup.mp4"];

    /// <summary>The folder the videos are (or will be) in; CMD_OPENCV_VIDEOS overrides.</summary>
    public static string Directory => Environment.GetEnvironmentVariable("CMD_OPENCV_VIDEOS") is { Length: > 0 } d
        ? d : Path.Combine(RepoData.DataDirectory, "raw", "opencv");

    public static string PathOf(string file) => Path.Combine(Directory, file);

    static readonly object gate = new();

    /// <summary>Runs data/opencv/fetch-videos.sh unless every file is there (fast when present); returns the folder.</summary>
    public static string Ensure(TimeSpan? timeout = null)
    {
        lock (gate)
        {
            if (Files.All(f => File.Exists(PathOf(f)))) return Directory;
            string script = Path.Combine(RepoData.DataDirectory, "opencv", "fetch-videos.sh");
            var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(script);
            info.ArgumentList.Add(Directory);
            using var p = Process.Start(info)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var errors = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"{script} did not finish in time");
            }
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed (exit {p.ExitCode}): {errors.Result.Trim()} {output.Result.Trim()}");
            return Directory;
        }
    }
}
