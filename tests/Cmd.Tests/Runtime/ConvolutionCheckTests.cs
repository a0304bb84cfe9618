using Cmd.Runtime;

namespace Cmd.Tests.Runtime;

/// <summary>oneDNN's wrong convolution gradients on some CPUs: found, and turned off.</summary>
public class ConvolutionCheckTests
{
    [Fact]
    public void AfterApplyTheInputGradientsOfFewChannelConvolutionsMatchTheReference()
    {
        string status = ConvolutionCheck.Apply();
        Assert.DoesNotContain("WRONG", status);
        double error = ConvolutionCheck.WorstError();
        Assert.True(error <= ConvolutionCheck.Tolerance, $"relative error {error:E2} after Apply ({status})");
    }

}
