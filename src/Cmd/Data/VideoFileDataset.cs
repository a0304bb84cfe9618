using System.Collections.Concurrent;

namespace Cmd.Data;

/// <summary>One video of a file-backed dataset: its path, class index (-1 = none) and caption ("" = none).</summary>
public sealed record VideoEntry(string Path, int Label = -1, string Caption = "");

/// <summary>Where clip i of a <see cref="VideoFileDataset"/> comes from.</summary>
public readonly record struct ClipRef(int Video, int Start);

/// <summary>
/// Clips cut from video files by <see cref="ClipSampling"/>, decoded through ffmpeg on demand. Opening probes every
/// video (or decodes it, <see cref="VideoValidation.Decode"/>); a missing, empty, non-video, damaged, too-short or
/// timed-out file is either left out and listed in <see cref="Skipped"/> (policy Skip) or reported by a
/// <see cref="VideoDataException"/> (policy Fail). A clip that fails to decode later is never returned: under Skip
/// its video is added to <see cref="Skipped"/> and <see cref="Get"/> returns the next good clip (the returned clip's
/// <see cref="VideoClip.Source"/> always names the file and frames it really holds).
/// </summary>
public sealed class VideoFileDataset : IVideoDataset
{
    readonly List<VideoEntry> videos = [];
    readonly List<int> videoFrames = [];
    readonly List<ClipRef> clips = [];
    readonly ConcurrentDictionary<string, SkippedVideo> skipped = new();
    readonly ConcurrentDictionary<int, bool> badVideos = new();
    readonly ConcurrentDictionary<int, Lazy<double[]?>> frameTimes = new();
    readonly Dictionary<int, Lazy<(byte[] Bytes, int Frames)>> wholeVideos = new();
    readonly LinkedList<int> wholeVideoOrder = new(); // least recently used first
    readonly List<int> clipsPerVideo = [];
    readonly ConcurrentDictionary<int, int> substitutes = new(); // clip index -> the clip returned instead
    readonly ConcurrentDictionary<string, bool> wholeVideoSkips = new();
    readonly int entryCount;
    long wholeVideoBytes;

    public string Name { get; }
    public ClipSampling Sampling { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public VideoShape Shape => Sampling.Shape;
    public int Count => clips.Count;
    /// <summary>Videos that gave clips, in entry order.</summary>
    public IReadOnlyList<VideoEntry> Videos => videos;
    public IReadOnlyList<ClipRef> Clips => clips;
    /// <summary>Videos left out so far, with the reason (grows if a clip fails to decode after opening).</summary>
    public IReadOnlyList<SkippedVideo> Skipped => skipped.Values.OrderBy(s => s.Path, StringComparer.Ordinal).ToList();
    public int SkippedCount => skipped.Count;
    /// <summary>Video files the dataset was given.</summary>
    public int EntryCount => entryCount;
    /// <summary>Video files left out whole (at opening, or found undecodable later); with <see cref="UsedVideoCount"/> it adds up to <see cref="EntryCount"/>.</summary>
    public int SkippedVideoCount => wholeVideoSkips.Count;
    public int UsedVideoCount => entryCount - SkippedVideoCount;
    /// <summary>Clips (of <see cref="Count"/>) known not to decode: each is one of the bad videos' clips or a clip past a video's real end.</summary>
    public int LostClipCount => clips.Count(c => badVideos.ContainsKey(c.Video) || skipped.ContainsKey(Describe(videos[c.Video].Path, c)));
    /// <summary>Clips that <see cref="Get"/> had to answer with another clip (a duplicate), by index.</summary>
    public IReadOnlyDictionary<int, int> Substitutes => substitutes;

    public VideoFileDataset(string name, IReadOnlyList<VideoEntry> entries, IReadOnlyList<string> classNames, ClipSampling sampling)
    {
        Name = name;
        ClassNames = classNames;
        Sampling = sampling.Validate();
        entryCount = entries.Count;
        var counts = new int[entries.Count];
        var problems = new VideoDataException?[entries.Count];
        Parallel.For(0, entries.Count, new ParallelOptions { MaxDegreeOfParallelism = sampling.ProbeWorkers }, i =>
        {
            try { counts[i] = CountFrames(entries[i].Path); }
            catch (VideoDataException e) { problems[i] = e; }
        });
        for (int i = 0; i < entries.Count; i++)
        {
            var problem = problems[i];
            int needed = sampling.Span + (sampling.Start == ClipStart.First ? sampling.FixedStart : 0);
            if (problem is null && counts[i] < needed)
                problem = new VideoDataException(entries[i].Path, VideoProblem.TooShort,
                    $"{counts[i]} frames, a clip of {sampling.Frames} with stride {sampling.Decode.Stride} from frame {(sampling.Start == ClipStart.First ? sampling.FixedStart : 0)} needs {needed}");
            if (problem is not null)
            {
                if (sampling.OnBadVideo == BadVideoPolicy.Fail) throw problem;
                skipped[problem.Path] = new SkippedVideo(problem.Path, problem.Problem, problem.Reason);
                wholeVideoSkips[problem.Path] = true;
                continue;
            }
            int video = videos.Count;
            videos.Add(entries[i]);
            videoFrames.Add(counts[i]);
            int before = clips.Count;
            foreach (int start in Starts(counts[i], video)) clips.Add(new ClipRef(video, start));
            clipsPerVideo.Add(clips.Count - before);
        }
    }

    /// <summary>Frames of the video as the clips see it (after fps resampling, before stride).</summary>
    int CountFrames(string path)
    {
        var d = Sampling.Decode;
        if (Sampling.Validation == VideoValidation.Decode)
        {
            VideoDecoder.DecodeAllBytes(path, d with { Channels = 1, Stride = 1 }, out int frames);
            return frames;
        }
        var info = VideoProbe.Probe(path, d.Timeout);
        return d.Fps is double fps ? (int)Math.Floor(info.Duration * fps + 1e-6) : info.Frames;
    }

    IEnumerable<int> Starts(int frames, int video)
    {
        int last = frames - Sampling.Span; // last valid start
        switch (Sampling.Start)
        {
            case ClipStart.First:
                yield return Sampling.FixedStart;
                break;
            case ClipStart.Random:
                var rng = SeededRandom.For(Sampling.Seed, video);
                for (int k = 0; k < Sampling.ClipsPerVideo; k++) yield return rng.Next(last + 1);
                break;
            default:
                int hop = Sampling.Hop ?? Sampling.Frames * Sampling.Decode.Stride;
                int n = 0;
                for (int s = 0; s <= last; s += hop)
                {
                    if (Sampling.ClipsPerVideo > 0 && n++ >= Sampling.ClipsPerVideo) break;
                    yield return s;
                }
                break;
        }
    }

    /// <summary>
    /// Clip <paramref name="index"/>. Under policy Skip a clip that turns out not to decode is answered with the next good
    /// clip, a duplicate: the swap is recorded in <see cref="Substitutes"/> and said once on stderr. Callers that must
    /// not duplicate (the clip cache) use <see cref="TryGet"/>.
    /// </summary>
    public VideoClip Get(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"clip {index} outside 0..{Count - 1}");
        for (int attempt = 0; attempt < Count; attempt++)
        {
            int i = (index + attempt) % Count;
            if (TryGet(i) is { } clip)
            {
                if (i != index && substitutes.TryAdd(index, i) && substitutes.Count == 1)
                    Console.Error.WriteLine($"warning: {Name}: clip {index} ({Describe(videos[clips[index].Video].Path, clips[index])}) does not decode; clips that do not decode are " +
                                            "answered with the next good clip, a duplicate (`data cache` or --validation Decode leaves them out instead)");
                return clip;
            }
        }
        throw new InvalidDataException($"{Name}: no clip could be decoded; skipped: {string.Join("; ", Skipped)}");
    }

    /// <summary>Clip <paramref name="index"/>, or null (recorded in <see cref="Skipped"/>) when it does not decode under policy Skip.</summary>
    public VideoClip? TryGet(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"clip {index} outside 0..{Count - 1}");
        var clip = clips[index];
        if (badVideos.ContainsKey(clip.Video)) return null;
        var entry = videos[clip.Video];
        try
        {
            var frames = UseWholeVideo(clip.Video) ? CutFromWholeVideo(entry.Path, clip) : DecodeClip(entry.Path, clip);
            return new VideoClip(frames, entry.Label, entry.Caption, Describe(entry.Path, clip));
        }
        catch (VideoDataException e)
        {
            if (Sampling.OnBadVideo == BadVideoPolicy.Fail) throw;
            if (e.Problem == VideoProblem.TooShort)
            {
                // the video ends earlier than its container said: only this clip is lost
                string where = Describe(entry.Path, clip);
                skipped[where] = new SkippedVideo(where, e.Problem, e.Reason);
                return null;
            }
            badVideos[clip.Video] = true;
            skipped[e.Path] = new SkippedVideo(e.Path, e.Problem, e.Reason);
            wholeVideoSkips[entry.Path] = true;
            return null;
        }
    }

    TorchSharp.torch.Tensor DecodeClip(string path, ClipRef clip)
    {
        int video = clip.Video;
        double[]? times = Sampling.Seek && clip.Start > 0 && Sampling.Decode.Fps is null
            ? frameTimes.GetOrAdd(video, _ => new Lazy<double[]?>(() => VideoDecoder.FrameTimes(path, Sampling.Decode.Timeout))).Value
            : null;
        return VideoDecoder.Decode(path, clip.Start, Sampling.Frames, Sampling.Decode, times);
    }

    bool UseWholeVideo(int video) =>
        clipsPerVideo[video] > 1 && (long)videoFrames[video] * Sampling.Decode.FrameBytes <= Sampling.WholeVideoBudgetBytes / 2;

    TorchSharp.torch.Tensor CutFromWholeVideo(string path, ClipRef clip)
    {
        Lazy<(byte[] Bytes, int Frames)> lazy;
        lock (wholeVideos)
        {
            if (!wholeVideos.TryGetValue(clip.Video, out lazy!))
            {
                lazy = new Lazy<(byte[], int)>(() =>
                {
                    var bytes = VideoDecoder.DecodeAllBytes(path, Sampling.Decode with { Stride = 1 }, out int n);
                    return (bytes, n);
                });
                wholeVideos[clip.Video] = lazy;
                wholeVideoBytes += (long)videoFrames[clip.Video] * Sampling.Decode.FrameBytes;
                while (wholeVideoBytes > Sampling.WholeVideoBudgetBytes && wholeVideoOrder.First is { } oldest && oldest.Value != clip.Video)
                {
                    wholeVideos.Remove(oldest.Value);
                    wholeVideoBytes -= (long)videoFrames[oldest.Value] * Sampling.Decode.FrameBytes;
                    wholeVideoOrder.RemoveFirst();
                }
            }
            wholeVideoOrder.Remove(clip.Video);
            wholeVideoOrder.AddLast(clip.Video);
        }
        (byte[] all, int frames) decoded;
        try { decoded = lazy.Value; }
        catch (VideoDataException)
        {
            lock (wholeVideos) if (wholeVideos.Remove(clip.Video)) { wholeVideoBytes -= (long)videoFrames[clip.Video] * Sampling.Decode.FrameBytes; wholeVideoOrder.Remove(clip.Video); }
            throw;
        }
        var d = Sampling.Decode;
        int frameBytes = d.FrameBytes;
        if (clip.Start + Sampling.Span > decoded.frames)
            throw new VideoDataException(path, VideoProblem.TooShort,
                $"needs frames {clip.Start}-{clip.Start + Sampling.Span - 1}, only {decoded.frames} decoded");
        var bytes = new byte[Sampling.Frames * frameBytes];
        for (int k = 0; k < Sampling.Frames; k++)
            Buffer.BlockCopy(decoded.all, (clip.Start + k * d.Stride) * frameBytes, bytes, k * frameBytes, frameBytes);
        return VideoDecoder.ToTensor(bytes, Sampling.Frames, d);
    }

    string Describe(string path, ClipRef clip)
    {
        var d = Sampling.Decode;
        string fps = d.Fps is double f ? $" @{f:0.###}fps" : "";
        return $"{path}#frames {clip.Start}-{clip.Start + Sampling.Span - 1}{(d.Stride > 1 ? $" stride {d.Stride}" : "")}{fps}";
    }
}
