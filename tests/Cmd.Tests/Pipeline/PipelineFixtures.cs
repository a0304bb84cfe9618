using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Pipeline;

/// <summary>Small latent pairs and training options shared by the pipeline and diffusion-training tests.</summary>
public static class PipelineFixtures
{
    /// <summary>Tiny (content frame, z, class) pairs: a bright square whose position is the class, z smooth in time.</summary>
    public static LatentPairs TinyPairs(int n = 16)
    {
        manual_seed(5);
        // content frames: a bright square whose position is the class; z: smooth in time
        var content = full(n, 1, 32, 32, -1f);
        var labels = arange(n, dtype: int64) % 4;
        for (int i = 0; i < n; i++) { int k = (int)labels[i].item<long>(); content[i, 0, (k * 8)..(k * 8 + 8), 8..16] = 1f; }
        var z = randn(n, 4, 1, 8).expand(-1, -1, 8, -1).contiguous() * 2;
        return new LatentPairs(content, z, labels, 4, 4);
    }

    /// <summary>Paper optimizer settings for a few steps, checkpoints every 5, no progress bar.</summary>
    public static TrainingOptions Options(string dir, long steps) => DiffusionTraining.PaperOptions with { Steps = steps, OutDir = dir, Progress = false, CheckpointEvery = 5 };
}
