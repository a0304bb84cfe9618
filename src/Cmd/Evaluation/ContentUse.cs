using Cmd.Data;
using Cmd.Metrics;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using static TorchSharp.torch;

namespace Cmd.Evaluation;

/// <summary>
/// Whether the decoder draws a clip from its content frame x̄ or from its motion latent z (Eqs. 5-6): each held-out
/// clip's z is decoded with the next clip's content frame, and the result is compared (PSNR) with the clip z came from
/// and with the clip the content frame came from. CMD's decomposition wants the digits of the content frame moved along
/// z; if the swapped decode matches z's clip, z carries the appearance too, and a motion model must generate it. On
/// Moving MNIST, each clip's z is also decoded with its motion twin's content frame (the same paths, other digits):
/// a decomposed z gives the twin.
/// </summary>
public static class ContentUse
{
    /// <summary>PSNR in dB over all frames, and on the frame the content frame weighs most (the content clip's).</summary>
    /// <param name="Twin">Moving MNIST only: clip i's z with the content frame of its motion twin (same paths, other
    /// digits), against the twin (the decomposition's promise) and against clip i.</param>
    public sealed record Result(int Count, double Reconstruction, double SwapVsZClip, double SwapVsContentClip,
        double Unrelated, double KeyFrameSwapVsZClip, double KeyFrameSwapVsContentClip, (double VsTwin, double VsZClip)? Twin = null)
    {
        public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Count} held-out clips, PSNR over all frames: reconstruction {Reconstruction:F2} dB; clip i's z with clip i+1's " +
            $"content frame: vs clip i (z's) {SwapVsZClip:F2} dB, vs clip i+1 (content's) {SwapVsContentClip:F2} dB; " +
            $"two different clips {Unrelated:F2} dB. On the content frame's heaviest frame: vs z's clip " +
            $"{KeyFrameSwapVsZClip:F2} dB, vs content's clip {KeyFrameSwapVsContentClip:F2} dB") + TwinText();

        string TwinText() => Twin is not { } twin ? "" : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $". Clip i's z with its motion twin's content frame: vs the twin {twin.VsTwin:F2} dB, vs clip i {twin.VsZClip:F2} dB");
    }

    public static Result Measure(CmdAutoencoder ae, IVideoDataset data, int count, int batchSize = 16)
    {
        if (count < 2) throw new ArgumentException($"the content swap needs at least 2 clips (got {count})");
        AutoencoderData.CheckFits(data, ae.Config);
        if (data.Count < count) throw new ArgumentException($"{data.Name} has {data.Count} clips, fewer than --clips {count}");
        using var scope = NewDisposeScope();
        var videos = FvdEvaluation.Videos(data, count);
        var (content, z, key) = Encode(ae, videos, batchSize);
        var next = videos.roll(-1, 0);                                       // clip i+1, whose content frame clip i gets
        var swapped = CmdSampler.Decode(ae, content.roll(-1, 0), z, batchSize);
        var keyOfNext = key.roll(-1, 0);
        return new Result(count,
            AllFrames(CmdSampler.Decode(ae, content, z, batchSize), videos),
            AllFrames(swapped, videos), AllFrames(swapped, next), AllFrames(videos, next),
            KeyFrame(swapped, videos, keyOfNext), KeyFrame(swapped, next, keyOfNext),
            data is MovingMnist mnist ? TwinSwap(ae, mnist, videos, z, batchSize) : null);
    }

    /// <summary>PSNR of clip i's z decoded with its motion twin's content frame, against the twin and against clip i.</summary>
    static (double, double) TwinSwap(CmdAutoencoder ae, MovingMnist data, Tensor videos, Tensor z, int batchSize)
    {
        var twins = stack(Enumerable.Range(0, (int)videos.shape[0]).Select(i => data.Twin(i).Frames));
        var swapped = CmdSampler.Decode(ae, Encode(ae, twins, batchSize).Content, z, batchSize);
        return (AllFrames(swapped, twins), AllFrames(swapped, videos));
    }

    /// <summary>Content frames, z and the index of the frame each content frame weighs most, without gradients.</summary>
    static (Tensor Content, Tensor Z, Tensor Key) Encode(CmdAutoencoder ae, Tensor videos, int batchSize)
    {
        var device = ae.parameters().First().device;
        var contents = new List<Tensor>(); var zs = new List<Tensor>(); var keys = new List<Tensor>();
        using var _ = no_grad();
        for (long i = 0; i < videos.shape[0]; i += batchSize)
        {
            using var scope = NewDisposeScope();                             // the encoder's intermediates, per batch
            var e = ae.Encode(videos.narrow(0, i, Math.Min(batchSize, videos.shape[0] - i)).to(device));
            contents.Add(e.ContentFrame.cpu().MoveToOuterDisposeScope());
            zs.Add(e.Z.cpu().MoveToOuterDisposeScope());
            keys.Add(e.FrameWeights.argmax(1).cpu().MoveToOuterDisposeScope());
        }
        return (cat(contents), cat(zs), cat(keys));
    }

    /// <summary>Per-frame MSE [N, L] of two video sets [N, L, C, H, W].</summary>
    static Tensor FrameMse(Tensor a, Tensor b) => (a.to(float64) - b.to(float64)).square().mean([2, 3, 4]);

    static double AllFrames(Tensor a, Tensor b) => Psnr.FromMse(FrameMse(a, b).mean().item<double>());

    static double KeyFrame(Tensor a, Tensor b, Tensor key) =>
        Psnr.FromMse(FrameMse(a, b).gather(1, key.unsqueeze(1)).mean().item<double>());
}
