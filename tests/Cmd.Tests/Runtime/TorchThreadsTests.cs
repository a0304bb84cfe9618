using Cmd.Runtime;

namespace Cmd.Tests.Runtime;

public class TorchThreadsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void RefusesFewerThanOneThreadBeforeTouchingLibtorch(int threads)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TorchThreads.Use(threads));
        Assert.Equal("threads", e.ParamName);
    }
}
