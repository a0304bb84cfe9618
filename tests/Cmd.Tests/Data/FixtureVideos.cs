using Cmd.Data;

namespace Cmd.Tests.Data;

/// <summary>Writes small real videos for layout fixtures: raw rgb24 frames encoded by ffmpeg.</summary>
public static class FixtureVideos
{
    public static void WriteMp4(string path, byte[] rgb24, int frames, int height, int width, double fps = 10) =>
        Write(path, rgb24, frames, height, width, fps, ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]);

    public static void WriteAvi(string path, byte[] rgb24, int frames, int height, int width, double fps = 10) =>
        Write(path, rgb24, frames, height, width, fps, ["-c:v", "mpeg4", "-q:v", "3"]);

    static void Write(string path, byte[] rgb24, int frames, int height, int width, double fps, string[] codec)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string raw = path + ".rgb";
        File.WriteAllBytes(raw, rgb24.AsSpan(0, frames * height * width * 3).ToArray());
        try
        {
            var args = new List<string> { "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}",
                "-r", fps.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", raw };
            args.AddRange(codec);
            args.Add(path);
            var r = Ffmpeg.Run(Ffmpeg.FfmpegPath, args, TimeSpan.FromMinutes(10), path);
            if (r.ExitCode != 0) throw new InvalidOperationException($"ffmpeg could not write {path}: {r.Stderr}");
        }
        finally { File.Delete(raw); }
    }
}
