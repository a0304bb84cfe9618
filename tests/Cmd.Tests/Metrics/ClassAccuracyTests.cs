using Cmd.Metrics;
using static TorchSharp.torch;

namespace Cmd.Tests.Metrics;

public class ClassAccuracyTests
{
    [Fact]
    public void CountsRowsWhoseTopKContainTheLabel()
    {
        using var logits = tensor(new float[,] { { 0.9f, 0.5f, 0.1f }, { 0.1f, 0.2f, 0.3f }, { 0.3f, 0.2f, 0.1f }, { 0f, 1f, 2f } });
        using var labels = tensor(new long[] { 1, 0, 2, 2 });
        Assert.Equal(0.25, ClassAccuracy.TopK(logits, labels, k: 1));   // row 3 only
        Assert.Equal(0.5, ClassAccuracy.TopK(logits, labels, k: 2));    // rows 0 and 3
        Assert.Equal(1.0, ClassAccuracy.TopK(logits, labels, k: 3));
        Assert.Contains("k must be in 1..3", Assert.Throws<ArgumentException>(() => ClassAccuracy.TopK(logits, labels, k: 4)).Message);
        using var three = tensor(new long[] { 1, 0, 2 });
        Assert.Throws<ArgumentException>(() => ClassAccuracy.TopK(logits, three, k: 1));
    }
}
