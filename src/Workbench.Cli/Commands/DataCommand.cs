using System.CommandLine;
using Cmd.Data;
using Cmd.Viz;

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
    readonly Option<int?> clipsPerVideo = new("--clips-per-video") { Description = "Video files: random starts per video / cap of grid clips per video" };
    readonly Option<BadVideoPolicy> onBad = new("--on-bad-video") { Description = "Video files: Skip (report and leave out) or Fail", DefaultValueFactory = _ => BadVideoPolicy.Skip };
    readonly Option<VideoValidation?> validation = new("--validation") { Description = "Video files: Probe (fast) or Decode (find damage up front)" };
    readonly Option<int> ucfSplit = new("--split") { Description = "UCF-101 split (1-3)", DefaultValueFactory = _ => 1 };

    public Command Build()
    {
        var command = new Command("data", "Video datasets: preview clips, show what a dataset holds");
        command.Subcommands.Add(Preview());
        command.Subcommands.Add(Info());
        return command;
    }

    void AddDatasetOptions(Command c)
    {
        foreach (var o in new Option[] { dataset, preset, frames, size, channels, seed, count, root, stride, fps, start, clipsPerVideo, onBad, validation, ucfSplit }) c.Options.Add(o);
    }

    DatasetOptions Options(ParseResult r) => new()
    {
        Dataset = r.GetValue(dataset)!, Preset = r.GetValue(preset)!, Frames = r.GetValue(frames), Size = r.GetValue(size),
        Channels = r.GetValue(channels), Seed = r.GetValue(seed), Count = r.GetValue(count), Root = r.GetValue(root),
        Stride = r.GetValue(stride), Fps = r.GetValue(fps), Start = r.GetValue(start), ClipsPerVideo = r.GetValue(clipsPerVideo),
        OnBadVideo = r.GetValue(onBad), Validation = r.GetValue(validation), UcfSplit = r.GetValue(ucfSplit),
    };

    static void ReportSkipped(IVideoDataset ds)
    {
        if (ds is not VideoFileDataset files) return;
        Console.WriteLine($"videos   {files.Videos.Count} used, {files.SkippedCount} skipped");
        foreach (var s in files.Skipped) Console.WriteLine($"  skipped {s}");
    }

    Command Preview()
    {
        var output = new Option<string>("--out") { Description = "PNG to write (a frame grid, one clip per row)", DefaultValueFactory = _ => "results/preview.png" };
        var clips = new Option<int>("--clips") { Description = "Clips to show", DefaultValueFactory = _ => 4 };
        var scale = new Option<int>("--scale") { Description = "Pixel enlargement", DefaultValueFactory = _ => 2 };
        var gif = new Option<string?>("--gif") { Description = "Also write the first clip as an animated GIF here" };
        var c = new Command("preview", "Write a PNG grid of the first clips of a dataset (and optionally a GIF)") { output, clips, scale, gif };
        AddDatasetOptions(c);
        c.SetAction(r =>
        {
            var ds = VideoDatasets.Open(Options(r));
            int n = Math.Min(r.GetValue(clips), ds.Count);
            var loaded = Enumerable.Range(0, n).Select(ds.Get).ToList();
            try
            {
                using var image = VideoViews.Rows(loaded.Select(v => v.Frames), scale: r.GetValue(scale));
                VideoViews.SavePng(image, r.GetValue(output)!);
                Console.WriteLine($"wrote {r.GetValue(output)} ({image.Width}x{image.Height}): {n} clips of {ds.Name} {ds.Shape}");
                for (int i = 0; i < n; i++)
                    Console.WriteLine($"  row {i}: label {Label(ds, loaded[i].Label)}  caption \"{loaded[i].Caption}\"  source {loaded[i].Source}");
                ReportSkipped(ds);
                if (r.GetValue(gif) is string g)
                {
                    VideoViews.SaveGif(loaded[0].Frames, g, scale: r.GetValue(scale));
                    Console.WriteLine($"wrote {g}");
                }
            }
            finally { loaded.ForEach(v => v.Dispose()); }
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
