using System.Text.Json;
using Cmd.Data;
using Cmd.Metrics.Clip;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>Videos and captions for CLIPSIM from files, or Moving MNIST clips with their own captions.</summary>
public static class ClipSimInputs
{
    /// <summary>Captions, one per line (a .json file: a JSON array of strings).</summary>
    public static IReadOnlyList<string> ReadCaptions(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: captions file not found", path);
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            try { return JsonSerializer.Deserialize<string[]>(File.ReadAllText(path)) ?? []; }
            catch (JsonException e) { throw new InvalidDataException($"{path}: not a JSON array of captions ({e.Message})", e); }
        }
        return File.ReadAllLines(path);
    }

    /// <summary>Writes "video,clipsim,caption" rows (full precision) with a header naming the model; returns the path.</summary>
    public static string WritePerVideo(ClipSimResult r, string path)
    {
        var sb = new System.Text.StringBuilder($"# {r}\nvideo,clipsim,caption\n");
        for (int i = 0; i < r.PerVideo.Length; i++)
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i},{r.PerVideo[i]:R},\"{r.Captions[i].Replace("\"", "\"\"")}\"\n");
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary>Batches of (videos, captions) of a tensor of videos.</summary>
    public static IEnumerable<(Tensor Videos, IReadOnlyList<string> Captions)> Batches(Tensor videos, IReadOnlyList<string> captions, int batch = 8)
    {
        if (captions.Count != videos.shape[0]) throw new ArgumentException($"{captions.Count} captions for {videos.shape[0]} videos: give one caption per video");
        for (int i = 0; i < captions.Count; i += batch)
        {
            int n = Math.Min(batch, captions.Count - i);
            yield return (videos[TensorIndex.Slice(i, i + n)], captions.Skip(i).Take(n).ToArray());
        }
    }

    /// <summary>Clips [start, start + count) of a dataset with their own captions, in batches streamed one at a time:
    /// each batch's tensor is disposed when the next is asked for (don't keep them, e.g. with ToList).</summary>
    public static IEnumerable<(Tensor Videos, IReadOnlyList<string> Captions)> Batches(IVideoDataset data, int count, int batch = 8, int start = 0)
    {
        if (count < 1 || count > data.Count - start) throw new ArgumentException($"{data.Name}: asked for {count} clips from {start} but the dataset has {data.Count}");
        for (int i = 0; i < count; i += batch)
        {
            var clips = Enumerable.Range(start + i, Math.Min(batch, count - i)).Select(data.Get).ToList();
            var videos = stack(clips.Select(c => c.Frames));
            var captions = clips.Select(c => c.Caption).ToArray();
            foreach (var c in clips) c.Dispose();
            try { yield return (videos, captions); }
            finally { videos.Dispose(); }
        }
    }

    /// <summary>
    /// CLIPSIM of <paramref name="videos"/>: "mmnist" (held-out Moving MNIST clips of a data preset, with their own captions)
    /// or a safetensors file of videos whose captions come from <paramref name="captionsFile"/> or its "captions" metadata.
    /// Returns the result and a description of the videos.
    /// </summary>
    public static (ClipSimResult Result, string Source) Evaluate(IClipModel model, ClipTokenizer tokenizer, string videos,
        string? captionsFile = null, int count = 64, string preset = "small", int batch = 8, bool truncate = false)
    {
        if (batch < 1) throw new ArgumentException($"--batch must be >= 1 (got {batch})");
        if (videos == "mmnist")
        {
            if (captionsFile is not null) throw new ArgumentException("--captions cannot be used with --videos mmnist: Moving MNIST clips carry their own captions");
            var data = new MovingMnist(MovingMnistConfig.Preset(preset) with { Split = MnistSplit.Test }, count, seed: MovingMnist.EvaluationSeed);
            return (ClipSim.Compute(model, tokenizer, Batches(data, data.Count, batch), truncate), $"Moving MNIST {preset} test clips 0..{data.Count - 1}");
        }
        var (v, own) = VideoTensorFile.Read(videos);
        using var _ = v;
        var texts = captionsFile is not null ? ReadCaptions(captionsFile)
            : own ?? throw new ArgumentException($"{videos} has no 'captions' metadata: give one caption per video with --captions FILE");
        if (texts.Count != v.shape[0]) throw new ArgumentException($"{texts.Count} captions for {v.shape[0]} videos in {videos}: give one caption per video");
        return (ClipSim.Compute(model, tokenizer, Batches(v, texts, batch), truncate), videos);
    }
}
