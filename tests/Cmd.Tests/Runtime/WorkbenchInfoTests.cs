using Cmd.Runtime;

namespace Cmd.Tests.Runtime;

/// <summary>`workbench info`: libtorch loads and computes exactly.</summary>
public class WorkbenchInfoTests
{
    [Fact]
    public void LibTorchLoadsAndMatmulIsExact()
    {
        var info = WorkbenchInfo.Collect();
        Assert.StartsWith("2.", info.LibTorchVersion);
        Assert.Equal(WorkbenchInfo.ExpectedMatmulSum(256), info.MatmulSum, 6);
    }
}
