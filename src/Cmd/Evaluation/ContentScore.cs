using Cmd.Metrics.Fvd;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>
/// Does the content DiT draw the class it is given? Content frames sampled for every class are shown to the FVD-local
/// detector as still clips (the frame repeated over L frames) and scored as <see cref="SampleScore"/> scores videos:
/// the detector's two most likely digits contain the class. The same for the real content frames of held-out pairs is
/// the reference: what the detector reads from a content frame that surely shows the class. Without a motion model,
/// so a content DiT can be judged before any motion model is trained on its autoencoder.
/// </summary>
public static class ContentScore
{
    public sealed record Result(int Count, double ClassAccuracy, int RealCount, double RealClassAccuracy)
    {
        public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Count} generated content frames: class accuracy {ClassAccuracy:P1} as still clips (top-2 of the detector " +
            $"contain the class; chance ~20%); {RealCount} real content frames: {RealClassAccuracy:P1}");
    }

    /// <summary>Content frames [N, C, H, W] as still clips [N, frames, C, H, W].</summary>
    public static Tensor StillClips(Tensor content, int frames) => content.unsqueeze(1).expand(-1, frames, -1, -1, -1);

    /// <summary>
    /// <paramref name="perClass"/> frames of every class from <paramref name="model"/> (returned, [classes x perClass, C, H, W],
    /// class by class), scored with the real content frames beside them.
    /// </summary>
    public static (Result Score, Tensor Frames) Score(LocalFvdDetector detector, DiT model, Tensor realContent,
        Tensor realLabels, int perClass, int frames, int steps = CmdSampler.DefaultContentSteps,
        double cfgScale = CmdSampler.DefaultCfgScale, int batch = 50, DiffusionSampler sampler = DiffusionSampler.Ddim)
    {
        if (perClass < 1) throw new ArgumentException($"need at least one frame per class (got {perClass})");
        var c = model.Config;
        if (realContent.dim() != 4 || realContent.shape[1] != c.InChannels || realContent.shape[2] != c.InputSize)
            throw new ArgumentException($"the real content frames are [{string.Join(", ", realContent.shape)}] but the " +
                $"content DiT draws [N, {c.InChannels}, {c.InputSize}, {c.InputSize}]: pairs of another autoencoder?");
        using var labels = arange(c.NumClasses, dtype: int64).repeat_interleave(perClass);
        var parts = new List<Tensor>();
        for (int i = 0, n = (int)labels.shape[0]; i < n; i += batch)
        {
            using var scope = NewDisposeScope();
            var part = CmdSampler.SampleContent(model, labels[i..Math.Min(i + batch, n)], steps, cfgScale, sampler: sampler);
            parts.Add(part.cpu().MoveToOuterDisposeScope());
        }
        var generated = cat(parts);
        foreach (var f in parts) f.Dispose();
        using var fake = StillClips(generated, frames);
        using var realClips = StillClips(realContent, frames);
        double accuracy = SampleScore.ClassAccuracyOf(detector, fake, labels);
        double realAccuracy = SampleScore.ClassAccuracyOf(detector, realClips, realLabels);
        return (new Result((int)labels.shape[0], accuracy, (int)realLabels.shape[0], realAccuracy), generated);
    }
}
