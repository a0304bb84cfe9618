using System.Diagnostics;

namespace Cmd.Data;

/// <summary>
/// Runs Debian's ffmpeg/ffprobe (on PATH, or FFMPEG_PATH / FFPROBE_PATH) with a timeout. stdout is read as bytes,
/// stderr as text, both concurrently so that neither pipe can fill and stall the child.
/// </summary>
public static class Ffmpeg
{
    public sealed record Result(int ExitCode, byte[] Stdout, string Stderr);

    public static string FfmpegPath => Environment.GetEnvironmentVariable("FFMPEG_PATH") ?? "ffmpeg";
    public static string FfprobePath => Environment.GetEnvironmentVariable("FFPROBE_PATH") ?? "ffprobe";

    /// <summary>True when ffmpeg and ffprobe start (cached).</summary>
    public static bool Available => available.Value;
    static readonly Lazy<bool> available = new(() =>
    {
        try { return Run(FfmpegPath, ["-version"], TimeSpan.FromSeconds(20), "ffmpeg").ExitCode == 0 && Run(FfprobePath, ["-version"], TimeSpan.FromSeconds(20), "ffprobe").ExitCode == 0; }
        catch (VideoDataException) { return false; }
    });

    /// <summary>Runs a tool; a timeout kills it (and its children) and throws <see cref="VideoDataException"/> naming <paramref name="subject"/>.</summary>
    public static Result Run(string tool, IEnumerable<string> args, TimeSpan timeout, string subject, Stream? stdoutSink = null, byte[]? stdin = null)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false, CreateNoWindow = true,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(info) ?? throw new InvalidOperationException("no process"); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new VideoDataException(subject, VideoProblem.ToolMissing, $"cannot start '{tool}' ({e.Message}); install Debian's ffmpeg (build/setup.sh does)", e);
        }
        using (process)
        {
            var feed = Task.Run(() =>
            {
                try { if (stdin is not null) process.StandardInput.BaseStream.Write(stdin); }
                catch (IOException) { } // the tool stopped reading (it failed); its exit code and stderr say why
                finally { try { process.StandardInput.Close(); } catch (IOException) { } }
            });
            var stdout = stdoutSink is null ? new MemoryStream() : null;
            var copy = process.StandardOutput.BaseStream.CopyToAsync(stdoutSink ?? stdout!);
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit();
                throw new VideoDataException(subject, VideoProblem.Timeout, $"{Path.GetFileName(tool)} did not finish within {timeout.TotalSeconds:0.#} s and was stopped");
            }
            process.WaitForExit(); // drains the async readers
            copy.Wait();
            feed.Wait();
            return new Result(process.ExitCode, stdout?.ToArray() ?? [], stderr.Result);
        }
    }

    /// <summary>The first lines of ffmpeg's stderr, on one line, for error messages.</summary>
    public static string Summary(string stderr, int lines = 3)
    {
        var kept = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Last message repeated")).Distinct().Take(lines);
        var text = string.Join(" | ", kept);
        return text.Length == 0 ? "(no message)" : text;
    }
}
