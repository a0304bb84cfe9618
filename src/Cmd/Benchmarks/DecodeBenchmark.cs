using System.Diagnostics;
using Cmd.Data;

namespace Cmd.Benchmarks;

/// <summary>
/// Decoding throughput of the clip loader against ffmpeg alone, measured in one run on the same videos:
/// (a) <c>ffmpeg -i v -f null</c> (decode only), (b) ffmpeg decoding and resizing to H x W rgb24 into /dev/null (the
/// work the loader asks of it, in one pass per video), (c) the <see cref="VideoLoader"/> over a
/// <see cref="VideoFileDataset"/> cutting the same videos into non-overlapping L-frame clips, shuffled, in batches.
/// </summary>
public static class DecodeBenchmark
{
    public sealed record Result(int VideoFrames, double FfmpegDecodeSeconds, double FfmpegResizeSeconds, int LoaderFrames, double LoaderSeconds, double OpenSeconds, int Clips, int Workers, int Size)
    {
        public double FfmpegDecodeFps => VideoFrames / FfmpegDecodeSeconds;
        public double FfmpegResizeFps => VideoFrames / FfmpegResizeSeconds;
        public double LoaderFps => LoaderFrames / LoaderSeconds;

        public IEnumerable<string> Lines()
        {
            yield return $"ffmpeg alone, decode to null:              {VideoFrames,6} frames in {FfmpegDecodeSeconds,6:0.00} s = {FfmpegDecodeFps,7:0.0} frames/s";
            yield return $"ffmpeg alone, decode+resize {Size}x{Size} rgb24: {VideoFrames,6} frames in {FfmpegResizeSeconds,6:0.00} s = {FfmpegResizeFps,7:0.0} frames/s";
            yield return $"loader ({Clips} clips, {Workers} workers, {Size}x{Size}):    {LoaderFrames,6} frames in {LoaderSeconds,6:0.00} s = {LoaderFps,7:0.0} frames/s (of which {OpenSeconds:0.00} s opening: ffprobe of every video)";
            yield return $"ratio loader / ffmpeg decode-only = {LoaderFps / FfmpegDecodeFps:0.00}; loader / ffmpeg decode+resize = {LoaderFps / FfmpegResizeFps:0.00}";
        }
    }

    public static Result Run(IReadOnlyList<string> videos, int size = 64, int frames = 16, int batchSize = 8, int workers = 2, bool seek = true)
    {
        var sampling = ClipSampling.Small with
        {
            Frames = frames, Seek = seek, ProbeWorkers = workers,
            Decode = new DecodeOptions { Height = size, Width = size, GlitchThreshold = null, FailOnDecodeErrors = false },
        };
        var timeout = TimeSpan.FromMinutes(10);
        int total = 0;
        foreach (var v in videos) { VideoProbe.CheckFile(v); File.ReadAllBytes(v); total += VideoProbe.Probe(v).Frames; } // warm the page cache
        string[] decodeOnly = ["-map", "0:v:0", "-fps_mode", "passthrough", "-f", "null", "-"];
        string[] decodeResize = ["-map", "0:v:0", "-fps_mode", "passthrough",
            "-vf", $"scale={size}:{size}:force_original_aspect_ratio=increase:flags=area,crop={size}:{size}", "-f", "rawvideo", "-pix_fmt", "rgb24", "-y", "/dev/null"];
        // best of two passes each, interleaved, so that a busy moment on a shared machine does not decide the ratio
        double decode = double.MaxValue, resize = double.MaxValue;
        for (int pass = 0; pass < 2; pass++)
        {
            decode = Math.Min(decode, TimeFfmpeg(videos, decodeOnly, timeout));
            resize = Math.Min(resize, TimeFfmpeg(videos, decodeResize, timeout));
        }

        var watch = Stopwatch.StartNew();
        var dataset = new VideoFileDataset("bench", videos.Select(v => new VideoEntry(v)).ToList(), [], sampling);
        double open = watch.Elapsed.TotalSeconds;
        var loader = new VideoLoader(dataset, batchSize, seed: 0, shuffle: true, dropLast: false, prefetch: 2, workers: workers);
        int delivered = 0;
        foreach (var batch in loader.Epoch(0)) using (batch) delivered += (int)(batch.Frames.shape[0] * batch.Frames.shape[1]);
        double loaderSeconds = watch.Elapsed.TotalSeconds;
        return new Result(total, decode, resize, delivered, loaderSeconds, open, dataset.Count, workers, size);
    }

    static double TimeFfmpeg(IReadOnlyList<string> videos, string[] output, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        foreach (var v in videos)
        {
            var r = Ffmpeg.Run(Ffmpeg.FfmpegPath, ["-nostdin", "-v", "error", "-i", v, .. output], timeout, v);
            if (r.ExitCode != 0) throw new VideoDataException(v, VideoProblem.Damaged, Ffmpeg.Summary(r.Stderr));
        }
        return watch.Elapsed.TotalSeconds;
    }
}
