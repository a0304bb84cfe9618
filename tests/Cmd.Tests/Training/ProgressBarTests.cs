using Cmd.Training;

namespace Cmd.Tests.Training;

public class ProgressBarTests
{
    [Fact]
    public void ProgressLineShowsLossAndEta()
    {
        var w = new StringWriter();
        var bar = new ProgressBar(0, 100, "ae", w);
        for (int s = 1; s <= 100; s++) bar.Update(s, 0.5);
        var text = w.ToString();
        Assert.Contains("100/100", text);
        Assert.Contains("loss 0.5", text);
        Assert.Contains("ETA 00:00", text);
        Assert.Contains("[####################]", text);
    }
}
