using Cmd.Data;

namespace Cmd.Tests.Data;

/// <summary>What the dataset-layout tests (UCF-101, WebVid, folder) share: segments of a real video written as small clips.</summary>
public abstract class DatasetLayoutTestBase(OpenCvFixture videos)
{
    protected const int Size = 32, Len = 10, FrameBytes = Size * Size * 3;
    protected static readonly ClipSampling Sampling = ClipSampling.Tiny with { Start = ClipStart.First };
    static byte[]? megamind;

    // Real frames: Megamind.avi at 32x32, decoded once.
    byte[] Frames
    {
        get
        {
            if (megamind is null)
                megamind = VideoDecoder.DecodeAllBytes(videos.PathOf("Megamind.avi"), new DecodeOptions { Height = Size, Width = Size, GlitchThreshold = null }, out _);
            return megamind;
        }
    }

    protected byte[] Segment(int start) => Frames.AsSpan(start * FrameBytes, Len * FrameBytes).ToArray();

    protected static double MeanAbs(float[] clip, byte[] source)
    {
        // clip: [L, C, H, W] in [-1, 1]; source: [L, H, W, C] bytes; compare the first 8 frames
        double sum = 0; int n = 0;
        for (int t = 0; t < 8; t++) for (int c = 0; c < 3; c++) for (int p = 0; p < Size * Size; p++)
        {
            sum += Math.Abs((clip[((t * 3 + c) * Size * Size) + p] + 1) * 127.5 - source[t * FrameBytes + p * 3 + c]); n++;
        }
        return sum / n / 255;
    }
}
