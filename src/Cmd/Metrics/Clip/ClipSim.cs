using static TorchSharp.torch;

namespace Cmd.Metrics.Clip;

/// <summary>A CLIPSIM value with what made it. The value is the raw mean cosine (some papers print it x100).</summary>
public sealed record ClipSimResult(double Value, int Videos, long Frames, string Model, string Runner, double[] PerVideo, string[] Captions)
{
    public override string ToString() =>
        $"CLIPSIM {Value:F4} (mean frame-caption cosine similarity, raw, not x100; {Videos} videos, {Frames} frames; CLIP {Model}, {Runner})";
}

/// <summary>
/// CLIPSIM (Wu et al. 2021, GODIVA; the CMD paper, appendix B.4): the cosine similarity between each frame's CLIP image
/// embedding and its video's caption embedding, averaged over the frames of a video, then over the videos.
/// </summary>
public static class ClipSim
{
    /// <summary>Cosine similarity of every frame with its video's caption: [B, L] (float32). Videos [B, L, C, H, W] in [-1, 1].</summary>
    public static Tensor FrameSimilarities(IClipModel model, ClipTokenizer tokenizer, Tensor videos, IReadOnlyList<string> captions,
        bool truncate = false, int frameBatch = 32)
    {
        CheckVideos(videos, captions.Count);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long b = videos.shape[0], l = videos.shape[1];
        var text = Normalise(model.EncodeText(tokenizer.Tokenize(captions, truncate: truncate))); // [B, D]
        var frames = videos.reshape(b * l, videos.shape[2], videos.shape[3], videos.shape[4]);
        var images = new List<Tensor>();
        for (long i = 0; i < b * l; i += frameBatch)
            images.Add(model.EncodeImage(ClipPreprocess.Frames(frames[TensorIndex.Slice(i, Math.Min(i + frameBatch, b * l))], model.InputResolution)));
        var image = Normalise(cat(images, 0)).view(b, l, -1); // [B, L, D]
        if (image.shape[2] != text.shape[1]) throw new InvalidDataException($"{model.Name}: image embeddings have {image.shape[2]} dims, text embeddings {text.shape[1]}");
        return (image * text.unsqueeze(1)).sum(-1).MoveToOuterDisposeScope();
    }

    /// <summary>CLIPSIM of one set of videos [B, L, C, H, W] in [-1, 1] with one caption per video.</summary>
    public static ClipSimResult Compute(IClipModel model, ClipTokenizer tokenizer, Tensor videos, IReadOnlyList<string> captions, bool truncate = false) =>
        Compute(model, tokenizer, [(videos, captions)], truncate);

    /// <summary>CLIPSIM over batches of (videos, captions): mean over each video's frames, then over all videos.</summary>
    public static ClipSimResult Compute(IClipModel model, ClipTokenizer tokenizer, IEnumerable<(Tensor Videos, IReadOnlyList<string> Captions)> batches, bool truncate = false)
    {
        var perVideo = new List<double>();
        var texts = new List<string>();
        long frames = 0;
        foreach (var (videos, captions) in batches)
        {
            using var sim = FrameSimilarities(model, tokenizer, videos, captions, truncate);
            using var mean = sim.to(ScalarType.Float64).mean([1]);
            perVideo.AddRange(mean.data<double>().ToArray());
            texts.AddRange(captions);
            frames += sim.numel();
        }
        if (perVideo.Count == 0) throw new ArgumentException("CLIPSIM: no videos");
        return new ClipSimResult(perVideo.Average(), perVideo.Count, frames, model.Name, model.Runner, perVideo.ToArray(), texts.ToArray());
    }

    static Tensor Normalise(Tensor x) => x / x.norm(-1, keepdim: true);

    static void CheckVideos(Tensor videos, int captions)
    {
        if (videos.dim() != 5 || (videos.shape[2] != 1 && videos.shape[2] != 3))
            throw new ArgumentException($"videos must be [B, L, C in (1, 3), H, W] in [-1, 1], got [{string.Join(", ", videos.shape)}]");
        if (captions != videos.shape[0])
            throw new ArgumentException($"{captions} captions for {videos.shape[0]} videos: give one caption per video");
    }
}
