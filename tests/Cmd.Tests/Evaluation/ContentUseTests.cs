using Cmd.Data;
using Cmd.Evaluation;
using Cmd.Metrics;
using Cmd.Pipeline;
using static TorchSharp.torch;

namespace Cmd.Tests.Evaluation;

/// <summary>The content swap: clip i's z decoded with clip i+1's content frame, compared with both clips.</summary>
public class ContentUseTests
{
    /// <summary>The paper's decoder with a content frame that is always the clip's last frame (session 20's subject).</summary>
    static string LastFrameAutoencoder => Path.Combine(RepoData.Root, "results", "ae-small-entropy", "autoencoder.safetensors");

    [Fact]
    public void TheSwappedContentFrameIsDrawnOnItsOwnFrameAndTheRowsAgreeWithTheirDefinitions()
    {
        using var ae = ModelStore.LoadAutoencoder(LastFrameAutoencoder);
        var data = FvdEvaluation.HeldOut(AutoencoderData.MovingMnistFor(ae.Config), 8);
        var r = ContentUse.Measure(ae, data, 8);

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var videos = FvdEvaluation.Videos(data, 8);
        Assert.Equal(Psnr.Compute(videos, videos.roll(-1, 0)), r.Unrelated, 6);
        var e = ae.Encode(videos);
        Assert.Equal(Psnr.Compute(ae.Decode(e.ContentFrame, e.Z).clamp(-1, 1), videos), r.Reconstruction, 3);
        // this content frame is always the last frame (importance entropy): there the decoder must draw the content
        // frame's clip, which a swap in the wrong direction would not show
        Assert.True(r.KeyFrameSwapVsContentClip > r.KeyFrameSwapVsZClip + 3, r.ToString());
        Assert.True(r.Reconstruction > r.Unrelated, r.ToString());
        // the motion-twin row: clip i's z with its twin's content frame, against the twin and against clip i
        var twins = stack(Enumerable.Range(0, 8).Select(i => data.Twin(i).Frames));
        var swapped = ae.Decode(ae.Encode(twins).ContentFrame, e.Z).clamp(-1, 1);
        Assert.NotNull(r.Twin);
        Assert.Equal(Psnr.Compute(swapped, twins), r.Twin!.Value.VsTwin, 3);
        Assert.Equal(Psnr.Compute(swapped, videos), r.Twin!.Value.VsZClip, 3);
        Assert.Contains("motion twin's content frame: vs the twin", r.ToString());
    }

    [Fact]
    public void FewerThanTwoClipsOrMoreThanTheDataHasAreClearErrors()
    {
        using var ae = ModelStore.LoadAutoencoder(ShippedWeights.Small.Autoencoder);
        var data = FvdEvaluation.HeldOut(AutoencoderData.MovingMnistFor(ae.Config), 4);
        Assert.Contains("at least 2 clips", Assert.Throws<ArgumentException>(() => ContentUse.Measure(ae, data, 1)).Message);
        Assert.Contains("fewer than --clips 5", Assert.Throws<ArgumentException>(() => ContentUse.Measure(ae, data, 5)).Message);
    }
}
