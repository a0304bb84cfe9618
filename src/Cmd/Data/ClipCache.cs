using System.Text.Json;
using Cmd.IO;
using static TorchSharp.torch;

namespace Cmd.Data;

/// <summary>
/// Caches a dataset's decoded, resized clips as safetensors shards so that training does not decode every epoch.
/// Each shard holds <c>frames</c> uint8 [N, L, C, H, W] (value = round((x + 1) * 127.5), exact for decoded video) and
/// <c>labels</c> int64 [N], with captions and sources as JSON in its metadata; <c>cache.json</c> (written last,
/// atomically) lists the shards, so an interrupted build is never mistaken for a cache.
/// </summary>
public static class ClipCache
{
    public const string ManifestName = "cache.json";
    const int Version = 2; // 2: clips that do not decode are left out (version 1 stored duplicates in their place)

    internal sealed record Manifest(int Version, string Name, string Key, int[] Shape, int Count, string[] ClassNames, string[] Shards, int[] ShardCounts, SkippedVideo[] Skipped)
    {
        /// <summary>Clips of the source that did not decode and are not in the cache (never replaced by duplicates).</summary>
        public int LostClips { get; init; }
        /// <summary>Video files of the source: used + skipped (0 for generated datasets).</summary>
        public int Videos { get; init; }
        public int UsedVideos { get; init; }
    }

    /// <summary>Decodes every clip of <paramref name="dataset"/> (clips fetched by <paramref name="workers"/> threads) into shards under <paramref name="directory"/>.</summary>
    public static CachedVideoDataset Build(IVideoDataset dataset, string directory, string key = "", int clipsPerShard = 256, int workers = 2, Action<int, int>? progress = null)
    {
        if (clipsPerShard < 1) throw new ArgumentException($"clips per shard must be >= 1 (got {clipsPerShard})");
        Directory.CreateDirectory(directory);
        File.Delete(Path.Combine(directory, ManifestName));
        var shards = new List<string>();
        var counts = new List<int>();
        var files = dataset as VideoFileDataset;
        int lost = 0;
        for (int first = 0; first < dataset.Count; first += clipsPerShard)
        {
            int n = Math.Min(clipsPerShard, dataset.Count - first);
            var fetched = new VideoClip?[n];
            try
            {
                // a clip that does not decode is left out (TryGet), never answered by another clip: the cache holds distinct clips
                Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = workers },
                    i => fetched[i] = files is not null ? files.TryGet(first + i) : dataset.Get(first + i));
                var clips = fetched.OfType<VideoClip>().ToArray();
                lost += n - clips.Length;
                if (clips.Length > 0)
                {
                    string file = $"shard-{shards.Count:00000}.safetensors";
                    using (var scope = NewDisposeScope())
                    {
                        var frames = stack(clips.Select(c => c.Frames).ToArray()).add(1).mul(127.5).round().clamp(0, 255).to_type(ScalarType.Byte);
                        var labels = tensor(clips.Select(c => (long)c.Label).ToArray(), dtype: ScalarType.Int64);
                        SafeTensors.Save(Path.Combine(directory, file), new Dictionary<string, Tensor> { ["frames"] = frames, ["labels"] = labels },
                            new Dictionary<string, string>
                            {
                                ["captions"] = JsonSerializer.Serialize(clips.Select(c => c.Caption)),
                                ["sources"] = JsonSerializer.Serialize(clips.Select(c => c.Source)),
                                ["first_index"] = counts.Sum().ToString(),
                            });
                    }
                    shards.Add(file);
                    counts.Add(clips.Length);
                }
            }
            finally { foreach (var c in fetched) c?.Dispose(); }
            progress?.Invoke(first + n, dataset.Count);
        }
        if (counts.Sum() == 0) throw new InvalidDataException($"{dataset.Name}: none of its {dataset.Count} clips could be decoded; skipped: {string.Join("; ", files?.Skipped ?? [])}");
        var s = dataset.Shape;
        var skipped = files?.Skipped.ToArray() ?? [];
        var manifest = new Manifest(Version, dataset.Name, key, [s.Frames, s.Channels, s.Height, s.Width], counts.Sum(), dataset.ClassNames.ToArray(), shards.ToArray(), counts.ToArray(), skipped)
        {
            LostClips = lost, Videos = files?.EntryCount ?? 0, UsedVideos = files?.UsedVideoCount ?? 0,
        };
        string temp = Path.Combine(directory, $".{ManifestName}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temp, JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, Path.Combine(directory, ManifestName), overwrite: true);
        return CachedVideoDataset.Open(directory);
    }

    /// <summary>Opens the cache in <paramref name="directory"/> when it was built with <paramref name="key"/>; otherwise builds it from <paramref name="dataset"/>().</summary>
    public static CachedVideoDataset OpenOrBuild(string directory, string key, Func<IVideoDataset> dataset, int clipsPerShard = 256, int workers = 2, Action<int, int>? progress = null)
    {
        if (CachedVideoDataset.TryReadManifest(directory) is { } m && m.Key == key && m.Version == Version) return CachedVideoDataset.Open(directory);
        return Build(dataset(), directory, key, clipsPerShard, workers, progress);
    }
}

/// <summary>A dataset read back from <see cref="ClipCache"/> shards: each <see cref="Get"/> reads one clip's bytes from its shard.</summary>
public sealed class CachedVideoDataset : IVideoDataset
{
    readonly string directory;
    readonly ClipCache.Manifest manifest;
    readonly (string Path, long FramesOffset, int Count)[] shards;
    readonly int[] shardStart;
    readonly long[] labels;
    readonly string[] captions, sources;
    readonly int clipBytes;

    public string Name => manifest.Name;
    public int Count => manifest.Count;
    public VideoShape Shape { get; }
    public IReadOnlyList<string> ClassNames => manifest.ClassNames;
    /// <summary>Videos the source dataset had skipped when the cache was built.</summary>
    public IReadOnlyList<SkippedVideo> Skipped => manifest.Skipped;
    /// <summary>Clips of the source that did not decode and were left out (the cache holds only distinct, decoded clips).</summary>
    public int LostClips => manifest.LostClips;
    /// <summary>Video files of the source and how many gave clips (0 and 0 for generated datasets).</summary>
    public int Videos => manifest.Videos;
    public int UsedVideos => manifest.UsedVideos;
    public string Key => manifest.Key;

    CachedVideoDataset(string directory, ClipCache.Manifest manifest)
    {
        this.directory = directory;
        this.manifest = manifest;
        Shape = new VideoShape(manifest.Shape[0], manifest.Shape[1], manifest.Shape[2], manifest.Shape[3]);
        clipBytes = Shape.Frames * Shape.Channels * Shape.Height * Shape.Width;
        shards = new (string, long, int)[manifest.Shards.Length];
        shardStart = new int[manifest.Shards.Length];
        var l = new List<long>(); var c = new List<string>(); var s = new List<string>();
        int start = 0;
        for (int k = 0; k < shards.Length; k++)
        {
            string path = Path.Combine(directory, manifest.Shards[k]);
            var file = SafeTensorsFile.Open(path);
            var frames = file["frames"];
            long[] expected = [manifest.ShardCounts[k], Shape.Frames, Shape.Channels, Shape.Height, Shape.Width];
            if (frames.DType != "U8" || !frames.Shape.SequenceEqual(expected))
                throw new InvalidDataException($"{path}: frames are {frames.DType} [{string.Join(", ", frames.Shape)}], the manifest says U8 [{string.Join(", ", expected)}]");
            using (var lt = file.Read("labels")) l.AddRange(lt.data<long>().ToArray());
            c.AddRange(JsonSerializer.Deserialize<string[]>(file.Metadata["captions"])!);
            s.AddRange(JsonSerializer.Deserialize<string[]>(file.Metadata["sources"])!);
            shards[k] = (path, DataStart(path) + frames.Begin, manifest.ShardCounts[k]);
            shardStart[k] = start;
            start += manifest.ShardCounts[k];
        }
        if (start != manifest.Count || l.Count != start || c.Count != start || s.Count != start)
            throw new InvalidDataException($"{directory}: shards hold {start} clips, the manifest says {manifest.Count}");
        labels = l.ToArray(); captions = c.ToArray(); sources = s.ToArray();
    }

    public static CachedVideoDataset Open(string directory) =>
        new(directory, TryReadManifest(directory) ?? throw new FileNotFoundException($"{directory} holds no complete clip cache ({ClipCache.ManifestName} missing)"));

    internal static ClipCache.Manifest? TryReadManifest(string directory)
    {
        string path = Path.Combine(directory, ClipCache.ManifestName);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<ClipCache.Manifest>(File.ReadAllText(path)); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        { throw new InvalidDataException($"{path}: not a clip cache manifest ({e.Message})"); }
    }

    static long DataStart(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> length = stackalloc byte[8];
        stream.ReadExactly(length);
        return 8 + (long)BitConverter.ToUInt64(length);
    }

    public VideoClip Get(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"clip {index} outside 0..{Count - 1}");
        int k = Array.BinarySearch(shardStart, index);
        if (k < 0) k = ~k - 1;
        var (path, offset, _) = shards[k];
        var bytes = new byte[clipBytes];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess))
        {
            stream.Seek(offset + (long)(index - shardStart[k]) * clipBytes, SeekOrigin.Begin);
            stream.ReadExactly(bytes);
        }
        using var scope = NewDisposeScope();
        var frames = tensor(bytes, Shape.ClipDims, dtype: ScalarType.Byte).to_type(ScalarType.Float32).div_(VideoDecoder.HalfRange).sub_(VideoDecoder.One);
        return new VideoClip(frames.MoveToOuterDisposeScope(), (int)labels[index], captions[index], sources[index]);
    }
}
