using System.Globalization;
using System.Text.Json;

namespace Cmd.Data;

/// <summary>What ffprobe says about a file's first video stream. <see cref="Frames"/> counts the stream's packets (no decoding).</summary>
public sealed record VideoInfo(string Path, int Width, int Height, double Fps, int Frames, double Duration, string Codec)
{
    public override string ToString() => $"{System.IO.Path.GetFileName(Path)}: {Codec} {Width}x{Height} {Fps:0.###} fps {Frames} frames {Duration:0.##} s";
}

public static class VideoProbe
{
    /// <summary>Probes <paramref name="path"/>; a missing, empty, unreadable or video-less file throws <see cref="VideoDataException"/> saying which.</summary>
    public static VideoInfo Probe(string path, TimeSpan? timeout = null)
    {
        CheckFile(path);
        var r = Ffmpeg.Run(Ffmpeg.FfprobePath,
            ["-v", "error", "-select_streams", "v:0", "-count_packets",
             "-show_entries", "stream=codec_name,width,height,avg_frame_rate,r_frame_rate,nb_read_packets,duration:format=duration,format_name",
             "-of", "json", path],
            timeout ?? TimeSpan.FromSeconds(30), path);
        if (r.ExitCode != 0) throw new VideoDataException(path, VideoProblem.NotVideo, $"ffprobe cannot read it ({Ffmpeg.Summary(r.Stderr)})");
        using var doc = JsonDocument.Parse(r.Stdout);
        var streams = doc.RootElement.TryGetProperty("streams", out var s) ? s : default;
        if (streams.ValueKind != JsonValueKind.Array || streams.GetArrayLength() == 0)
            throw new VideoDataException(path, VideoProblem.NotVideo, "it has no video stream");
        var v = streams[0];
        string codec = Str(v, "codec_name") ?? "?";
        int width = Int(v, "width"), height = Int(v, "height");
        int frames = int.TryParse(Str(v, "nb_read_packets"), out var n) ? n : 0;
        double fps = Rate(Str(v, "avg_frame_rate")) is > 0 and var avg ? avg : Rate(Str(v, "r_frame_rate"));
        double duration = Num(Str(v, "duration"));
        if (duration <= 0 && doc.RootElement.TryGetProperty("format", out var f)) duration = Num(Str(f, "duration"));
        if (width <= 0 || height <= 0) throw new VideoDataException(path, VideoProblem.NotVideo, $"video stream ({codec}) has no frame size");
        if (codec is "png" or "mjpeg" or "bmp" or "gif" && frames <= 1) throw new VideoDataException(path, VideoProblem.NotVideo, $"it is a still image ({codec})");
        if (frames == 0) throw new VideoDataException(path, VideoProblem.Damaged, "its video stream has no packets");
        return new VideoInfo(path, width, height, fps, frames, duration, codec);
    }

    /// <summary>Missing and zero-length files, reported before any tool runs.</summary>
    public static void CheckFile(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw new VideoDataException(path, VideoProblem.Missing, "no such file");
        if (file.Length == 0) throw new VideoDataException(path, VideoProblem.Empty, "the file has 0 bytes");
    }

    static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var p) ? (p.ValueKind == JsonValueKind.String ? p.GetString() : p.ToString()) : null;
    static int Int(JsonElement e, string name) => int.TryParse(Str(e, name), out var v) ? v : 0;
    static double Num(string? s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;

    static double Rate(string? s)
    {
        if (s is null) return 0;
        var parts = s.Split('/');
        if (parts.Length == 2 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var b) && b != 0) return a / b;
        return Num(s);
    }
}
