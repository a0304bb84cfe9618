using System.Text.RegularExpressions;
using Cmd.Data;
using static TorchSharp.torch;

namespace Cmd.Tests.Data;

public class MovingMnistTests
{
    [Fact]
    public void TrainAndTestSplitsAreDisjointAndCoverAll()
    {
        var digits = MnistDigits.Shared;
        var train = digits.Indices(MnistSplit.Train);
        var test = digits.Indices(MnistSplit.Test);
        Assert.Empty(train.Intersect(test));
        Assert.Equal(digits.Count, train.Length + test.Length);
        Assert.Equal(10, test.Select(digits.Label).Distinct().Count());
    }

    static byte[] Bytes(IVideoDataset ds, int index)
    {
        using var clip = ds.Get(index);
        return clip.Frames.bytes.ToArray();
    }

    [Fact]
    public void ClipsAreBitIdenticalForTheSameSeedAndDifferForAnother()
    {
        var a = new MovingMnist(MovingMnistConfig.Small, count: 100, seed: 7);
        var b = new MovingMnist(MovingMnistConfig.Small, count: 100, seed: 7);
        var c = new MovingMnist(MovingMnistConfig.Small, count: 100, seed: 8);
        foreach (int i in new[] { 0, 1, 99 })
        {
            Assert.Equal(Bytes(a, i), Bytes(b, i));
            Assert.NotEqual(Bytes(a, i), Bytes(c, i));
        }
        Assert.NotEqual(Bytes(a, 0), Bytes(a, 1));
        using var x = a.Get(3);
        using var y = b.Get(3);
        Assert.Equal(x.Caption, y.Caption);
        Assert.Equal(x.Source, y.Source);
    }

    [Fact]
    public void AMotionTwinHasTheClipsPathsWithOtherDigits()
    {
        var ds = new MovingMnist(MovingMnistConfig.Small, count: 20, seed: 3);
        var c = ds.Config;
        for (int i = 0; i < 20; i++)
        {
            using var clip = ds.Get(i);
            using var twin = ds.Twin(i);
            using var again = ds.Twin(i);
            Assert.Equal(twin.Frames.bytes.ToArray(), again.Frames.bytes.ToArray());  // deterministic
            Assert.False(twin.Frames.allclose(clip.Frames), $"clip {i}: the twin draws the same digits");
            var tracks = ds.Tracks(i);
            var inside = zeros(new long[] { c.Frames, c.Size, c.Size }, dtype: ScalarType.Bool);
            foreach (var t in tracks)
                for (int f = 0; f < c.Frames; f++)
                    inside[f, TensorIndex.Slice(t.Top[f], t.Top[f] + c.DigitSize), TensorIndex.Slice(t.Left[f], t.Left[f] + c.DigitSize)] = true;
            var ink = twin.Frames[.., 0] > -1;                     // every twin pixel with ink lies in the clip's digit boxes
            Assert.False((ink & ~inside).any().item<bool>(), $"clip {i}: the twin's ink leaves the clip's paths");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Twin(20));
    }

    [Fact]
    public void ClipHasShapeRangeLabelAndCaption()
    {
        var ds = new MovingMnist(MovingMnistConfig.Small, count: 10, seed: 1);
        using var clip = ds.Get(2);
        Assert.Equal(new long[] { 16, 1, 64, 64 }, clip.Frames.shape);
        Assert.Equal(ScalarType.Float32, clip.Frames.dtype);
        Assert.Equal(-1f, clip.Frames.min().item<float>());
        Assert.Equal(1f, clip.Frames.max().item<float>(), 2);
        var tracks = ds.Tracks(2);
        Assert.Equal(tracks[0].Class, clip.Label);
        Assert.Equal(MnistDigits.Shared.Label(tracks[0].DigitIndex), clip.Label);
        Assert.Matches(new Regex(@"^digit \d moves (up|down|left|right|up and right|up and left|down and right|down and left), digit \d moves [a-z ]+$"), clip.Caption);
        Assert.StartsWith($"digit {tracks[0].Class} ", clip.Caption);
        // consecutive frames differ: the digits move
        using var diff = (clip.Frames[1] - clip.Frames[0]).abs().sum();
        Assert.True(diff.item<float>() > 10);
    }

    [Fact]
    public void FirstFrameShowsTheDigitAtItsTrackPosition()
    {
        var config = MovingMnistConfig.Small with { Digits = 1 };
        var ds = new MovingMnist(config, count: 5, seed: 3);
        using var clip = ds.Get(4);
        var track = ds.Tracks(4)[0];
        var pixels = MnistDigits.Shared.Pixels(track.DigitIndex).ToArray();
        var frame = clip.Frames.data<float>().ToArray();
        for (int t = 0; t < config.Frames; t += 5)
        {
            Assert.InRange(track.Top[t], 0, 64 - 28);
            Assert.InRange(track.Left[t], 0, 64 - 28);
            for (int r = 0; r < 28; r++)
                for (int c = 0; c < 28; c++)
                    Assert.Equal(2f * pixels[r * 28 + c] / 255f - 1f, frame[t * 64 * 64 + (track.Top[t] + r) * 64 + track.Left[t] + c], 5);
        }
        // everything outside the digit is background
        using var ink = clip.Frames[0].gt(-1f).sum();
        Assert.Equal(pixels.Count(p => p > 0), ink.item<long>());
    }

    [Fact]
    public void DigitsBounceAndStayInsideTheFrame()
    {
        var config = MovingMnistConfig.Small with { Frames = 60, SpeedMin = 4, SpeedMax = 4 };
        var ds = new MovingMnist(config, count: 20, seed: 11);
        int reversals = 0;
        for (int i = 0; i < 20; i++)
            foreach (var track in ds.Tracks(i))
            {
                Assert.All(track.Top, v => Assert.InRange(v, 0, 36));
                Assert.All(track.Left, v => Assert.InRange(v, 0, 36));
                for (int t = 2; t < config.Frames; t++)
                    if (Math.Sign(track.Left[t] - track.Left[t - 1]) * Math.Sign(track.Left[t - 1] - track.Left[t - 2]) < 0) reversals++;
            }
        Assert.True(reversals > 10, $"only {reversals} bounces in 40 digits x 60 frames");
    }

    [Fact]
    public void CaptionsNameTheDirectionHeldForMostOfTheClip()
    {
        var ds = new MovingMnist(MovingMnistConfig.Small with { Digits = 1, SpeedMin = 3, SpeedMax = 3 }, count: 60, seed: 2);
        int checkedClips = 0;
        for (int i = 0; i < ds.Count; i++)
        {
            var t = ds.Tracks(i)[0];
            using var clip = ds.Get(i);
            int right = 0, down = 0;
            for (int f = 1; f < t.Left.Length; f++) { right += Math.Sign(t.Left[f] - t.Left[f - 1]); down += Math.Sign(t.Top[f] - t.Top[f - 1]); }
            string words = clip.Caption[(clip.Caption.IndexOf("moves") + 6)..];
            // the caption never names the opposite of the way the digit moves on most frames
            if (Math.Abs(right) >= 8) { Assert.DoesNotContain(right > 0 ? "left" : "right", words); checkedClips++; }
            if (Math.Abs(down) >= 8) { Assert.DoesNotContain(down > 0 ? "up" : "down", words); checkedClips++; }
            // a clearly diagonal velocity (components within a factor 2) names both directions
            if (Math.Abs(right) >= 8 && Math.Abs(down) >= 8 && Math.Abs(t.MainVelocityX) < 2 * Math.Abs(t.MainVelocityY) && Math.Abs(t.MainVelocityY) < 2 * Math.Abs(t.MainVelocityX))
            {
                Assert.Contains(right > 0 ? "right" : "left", words);
                Assert.Contains(down > 0 ? "down" : "up", words);
            }
        }
        Assert.True(checkedClips > 30, $"only {checkedClips} directions checked");
    }

    [Fact]
    public void ThreeChannelOptionReplicatesGreyAndTinyPresetIsSmall()
    {
        var grey = new MovingMnist(MovingMnistConfig.Tiny, count: 4, seed: 5);
        var rgb = new MovingMnist(MovingMnistConfig.Tiny with { Channels = 3 }, count: 4, seed: 5);
        using var g = grey.Get(1);
        using var c = rgb.Get(1);
        Assert.Equal(new long[] { 8, 1, 32, 32 }, g.Frames.shape);
        Assert.Equal(new long[] { 8, 3, 32, 32 }, c.Frames.shape);
        for (int ch = 0; ch < 3; ch++)
            Assert.True(c.Frames.select(1, ch).equal(g.Frames.select(1, 0)).all().item<bool>());
        Assert.True(g.Frames.max().item<float>() > 0.5f); // resampled 14-pixel digit still has ink
    }

    [Fact]
    public void BadOptionsNameTheProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => new MovingMnist(MovingMnistConfig.Small with { Channels = 2 }));
        Assert.Contains("Channels", e.Message);
        e = Assert.Throws<ArgumentException>(() => new MovingMnist(MovingMnistConfig.Small with { Size = 20 }));
        Assert.Contains("DigitSize", e.Message);
        e = Assert.Throws<ArgumentException>(() => MovingMnistConfig.Preset("huge"));
        Assert.Contains("huge", e.Message);
    }
}
