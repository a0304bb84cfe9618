using System.CommandLine;
using Cmd.Benchmarks;
using Cmd.Data;
using Cmd.Reports;

namespace Workbench.Cli.Commands;

/// <summary>`workbench data preview|info`: look at a dataset's clips.</summary>
public sealed class DataCommand : ICommandGroup
{
    readonly Option<string> dataset = new("--dataset") { Description = $"Dataset: {string.Join(", ", VideoDatasets.Names)}", DefaultValueFactory = _ => "mmnist" };
    readonly Option<string> preset = new("--preset") { Description = "Dataset preset (mmnist: tiny, small, srivastava)", DefaultValueFactory = _ => "small" };
    readonly Option<int?> frames = new("--frames") { Description = "Clip length L (default: the preset's)" };
    readonly Option<int?> size = new("--size") { Description = "Frame size H = W (default: the preset's)" };
    readonly Option<int?> channels = new("--channels") { Description = "1 or 3 channels (default: the preset's)" };
    readonly Option<long> seed = new("--seed") { Description = "Seed of generated data", DefaultValueFactory = _ => 0 };
    readonly Option<int> count = new("--count") { Description = "Clips in a generated dataset", DefaultValueFactory = _ => 10_000 };
    readonly Option<string?> root = new("--root") { Description = "Dataset folder (ucf101, webvid, folder; opencv defaults to data/raw/opencv)" };
    readonly Option<int?> stride = new("--stride") { Description = "Video files: take every k-th frame" };
    readonly Option<double?> fps = new("--fps") { Description = "Video files: resample to this frame rate first" };
    readonly Option<ClipStart?> start = new("--start") { Description = "Video files: clip starts Grid (along the video), Random (seeded) or First" };
    readonly Option<int?> fixedStart = new("--start-frame") { Description = "Video files with --start First: the frame each clip starts at" };
    readonly Option<int?> clipsPerVideo = new("--clips-per-video") { Description = "Video files: random starts per video / cap of grid clips per video" };
    readonly Option<BadVideoPolicy> onBad = new("--on-bad-video") { Description = "Video files: Skip (report and leave out) or Fail", DefaultValueFactory = _ => BadVideoPolicy.Skip };
    readonly Option<VideoValidation?> validation = new("--validation") { Description = "Video files: Probe (fast) or Decode (find damage up front)" };
    readonly Option<int> ucfSplit = new("--split") { Description = "UCF-101 split (1-3)", DefaultValueFactory = _ => 1 };

    public Command Build()
    {
        var command = new Command("data", "Video datasets: preview clips, show what a dataset holds");
        command.Subcommands.Add(Preview());
        command.Subcommands.Add(Info());
        command.Subcommands.Add(Cache());
        command.Subcommands.Add(Bench());
        return command;
    }

    void AddDatasetOptions(Command c)
    {
        foreach (var o in new Option[] { dataset, preset, frames, size, channels, seed, count, root, stride, fps, start, fixedStart, clipsPerVideo, onBad, validation, ucfSplit }) c.Options.Add(o);
    }

    DatasetOptions Options(ParseResult r) => new()
    {
        Dataset = r.GetValue(dataset)!, Preset = r.GetValue(preset)!, Frames = r.GetValue(frames), Size = r.GetValue(size),
        Channels = r.GetValue(channels), Seed = r.GetValue(seed), Count = r.GetValue(count), Root = r.GetValue(root),
        Stride = r.GetValue(stride), Fps = r.GetValue(fps), Start = r.GetValue(start), FixedStart = r.GetValue(fixedStart), ClipsPerVideo = r.GetValue(clipsPerVideo),
        OnBadVideo = r.GetValue(onBad), Validation = r.GetValue(validation), UcfSplit = r.GetValue(ucfSplit),
    };

    static void ReportSkipped(IVideoDataset ds)
    {
        if (ds is not VideoFileDataset files) return;
        Console.WriteLine($"videos   {files.EntryCount}: {files.UsedVideoCount} used, {files.SkippedVideoCount} skipped");
        if (files.LostClipCount > 0) Console.WriteLine($"lost     {files.LostClipCount} of {files.Count} clips do not decode");
        foreach (var s in files.Skipped) Console.WriteLine($"  skipped {s}");
    }

    Command Preview()
    {
        var output = new Option<string>("--out") { Description = "PNG to write (a frame grid, one clip per row)", DefaultValueFactory = _ => "results/preview.png" };
        var clips = new Option<int>("--clips") { Description = "Clips to show", DefaultValueFactory = _ => 4 };
        var scale = new Option<int>("--scale") { Description = "Pixel enlargement", DefaultValueFactory = _ => 2 };
        var gif = new Option<string?>("--gif") { Description = "Also write the clips, tiled side by side, as an animated GIF here" };
        var mp4 = new Option<string?>("--mp4") { Description = "Also write the clips, tiled side by side, as an MP4 (ffmpeg) here" };
        var c = new Command("preview", "Write a PNG grid of the first clips of a dataset (one clip per row), and optionally a GIF/MP4") { output, clips, scale, gif, mp4 };
        AddDatasetOptions(c);
        c.SetAction(r =>
        {
            var ds = VideoDatasets.Open(Options(r));
            var w = DatasetPreview.Write(ds, r.GetValue(clips), r.GetValue(output)!, r.GetValue(scale), r.GetValue(gif), r.GetValue(mp4));
            Console.WriteLine($"wrote {w.Png} ({w.Width}x{w.Height}): {w.Rows.Count} clips of {ds.Name} {ds.Shape}");
            for (int i = 0; i < w.Rows.Count; i++)
                Console.WriteLine($"  row {i}: label {Label(ds, w.Rows[i].Label)}  caption \"{w.Rows[i].Caption}\"  source {w.Rows[i].Source}");
            ReportSkipped(ds);
            foreach (var a in w.Animations) Console.WriteLine($"wrote {a}");
            return 0;
        });
        return c;
    }

    Command Cache()
    {
        var output = new Option<string>("--out") { Description = "Cache folder (safetensors shards + cache.json)", Required = true };
        var c = new Command("cache", "Decode a dataset's clips once into safetensors shards (reused while the options stay the same)") { output };
        AddDatasetOptions(c);
        c.SetAction(r =>
        {
            var options = Options(r) with { CacheDirectory = r.GetValue(output) };
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var ds = (CachedVideoDataset)VideoDatasets.Open(options, (done, total) => Console.Error.Write($"\rcaching {done}/{total} clips"));
            Console.Error.WriteLine();
            Console.WriteLine($"cache {r.GetValue(output)}: {ds.Count} distinct clips of {ds.Name} {ds.Shape} ({watch.Elapsed.TotalSeconds:0.0} s)");
            if (ds.Videos > 0) Console.WriteLine($"videos {ds.Videos}: {ds.UsedVideos} used, {ds.Videos - ds.UsedVideos} skipped");
            if (ds.LostClips > 0) Console.WriteLine($"{ds.LostClips} of {ds.Count + ds.LostClips} clips did not decode and are left out (not replaced by duplicates)");
            foreach (var s in ds.Skipped) Console.WriteLine($"  skipped {s}");
            return 0;
        });
        return c;
    }

    Command Bench()
    {
        var videos = new Option<string[]>("--video") { Description = "Videos to decode (default: vtest.avi and Megamind.avi from opencv-doc)", AllowMultipleArgumentsPerToken = true };
        var benchSize = new Option<int>("--size") { Description = "Frame size H = W", DefaultValueFactory = _ => 64 };
        var benchFrames = new Option<int>("--frames") { Description = "Clip length L", DefaultValueFactory = _ => 16 };
        var workers = new Option<int>("--workers") { Description = "Loader threads (parallel ffmpeg processes)", DefaultValueFactory = _ => 2 };
        var noSeek = new Option<bool>("--no-seek") { Description = "Decode every clip from the first frame (no frame-time seeking)" };
        var c = new Command("bench", "Decoding throughput (frames/s) of the clip loader against ffmpeg alone decoding to /dev/null, in one run")
            { videos, benchSize, benchFrames, workers, noSeek };
        c.SetAction(r =>
        {
            var files = r.GetValue(videos) is { Length: > 0 } v ? v : new[] { "vtest.avi", "Megamind.avi" }.Select(f => Path.Combine(OpenCvVideos.Ensure(), f)).ToArray();
            Console.WriteLine($"videos: {string.Join(", ", files.Select(Path.GetFileName))}; {Environment.ProcessorCount} cores");
            var result = DecodeBenchmark.Run(files, r.GetValue(benchSize), r.GetValue(benchFrames), workers: r.GetValue(workers), seek: !r.GetValue(noSeek));
            foreach (var line in result.Lines()) Console.WriteLine(line);
            return 0;
        });
        return c;
    }

    Command Info()
    {
        var c = new Command("info", "Print a dataset's size, clip shape and classes");
        AddDatasetOptions(c);
        c.SetAction(r =>
        {
            var ds = VideoDatasets.Open(Options(r));
            Console.WriteLine($"dataset  {ds.Name}\nclips    {ds.Count}\nshape    {ds.Shape}\nclasses  {ds.ClassNames.Count} ({string.Join(", ", ds.ClassNames.Take(12))}{(ds.ClassNames.Count > 12 ? ", ..." : "")})");
            ReportSkipped(ds);
            return 0;
        });
        return c;
    }

    static string Label(IVideoDataset ds, int label) => label >= 0 && label < ds.ClassNames.Count ? $"{label} ({ds.ClassNames[label]})" : label.ToString();
}
