using Cmd.Data;
using Cmd.Metrics.Fvd;
using Cmd.Training;

namespace Cmd.Tests.Training;

/// <summary>The local FVD detector trained by `workbench fvd train-local`.</summary>
public class LocalDetectorTrainingTests
{
    [Fact]
    public void ShippedDetectorRecognisesHeldOutDigits()
    {
        // data/fvd-local/mmnist-c3d.safetensors (trained by `workbench fvd train-local`, see data/fvd-local/README.md):
        // a detector that learned nothing scores ~2% here (chance of naming both digits), the shipped one ~94%.
        using var detector = LocalVideoDetector.Load(Path.Combine(RepoData.DataDirectory, "fvd-local", "mmnist-c3d.safetensors"));
        double accuracy = LocalDetectorTraining.TestAccuracy(detector, MovingMnistConfig.Small with { Split = MnistSplit.Test }, clips: 64);
        Assert.True(accuracy > 0.8, $"held-out accuracy {accuracy:P1}");
    }
}
