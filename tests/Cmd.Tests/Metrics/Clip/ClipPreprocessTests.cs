using Cmd.Metrics.Clip;
using static TorchSharp.torch;

namespace Cmd.Tests.Metrics.Clip;

/// <summary>CLIP's image preprocessing (torchvision Resize, CenterCrop, Normalize).</summary>
public class ClipPreprocessTests
{
    [Fact]
    public void PreprocessingFollowsTorchvisionSizes()
    {
        Assert.Equal((224L, 336L), ClipPreprocess.ResizedSize(32, 48, 224));
        Assert.Equal((231L, 224L), ClipPreprocess.ResizedSize(240, 232, 224));
        Assert.Equal((224L, 298L), ClipPreprocess.ResizedSize(576, 768, 224)); // int() truncates 298.67
        using var grey = ClipPreprocess.Frames(full(new long[] { 2, 1, 64, 64 }, 1f));
        Assert.Equal(new long[] { 2, 3, 224, 224 }, grey.shape);
        // white frames: (1 - mean) / std in every channel
        Assert.Equal((1 - ClipPreprocess.Mean[2]) / ClipPreprocess.Std[2], grey[1, 2, 100, 7].item<float>(), 4);
    }
}
