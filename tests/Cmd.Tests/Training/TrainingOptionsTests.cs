using Cmd.Training;

namespace Cmd.Tests.Training;

public class TrainingOptionsTests
{
    [Fact]
    public void ZeroStepsIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new TrainingOptions { Steps = 0 }.Validate());
    }
}
