using System.Diagnostics;
using Cmd.Data;
using Cmd.Metrics;
using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Training;

public class AutoencoderTrainingTests
{
    /// <summary>The tiny preset overfits one real Moving MNIST clip to PSNR > 30 dB within 400 steps.</summary>
    [Fact]
    public void TinyOverfitsOneMovingMnistClipAbove30dB()
    {
        var config = RunPresets.Tiny.Autoencoder;
        var ds = VideoDatasets.Open(AutoencoderData.DatasetFor(config, count: 1, seed: 0));
        using var clip = ds.Get(0);
        var video = clip.Frames.unsqueeze(0);
        manual_seed(0);
        using var model = new CmdAutoencoder(config);
        double psnr = double.NaN;
        long stoppedAt = 0;
        bool Reached(long step)
        {
            if (step < 120 || step % 20 != 0) return false;
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            model.eval();
            psnr = Psnr.Compute(video, model.call(video).clamp(-1, 1));
            model.train();
            stoppedAt = step;
            return psnr > 30;
        }
        var options = AutoencoderTraining.Options(config) with
        {
            Steps = 400, LearningRate = 3e-3, WarmupSteps = 20, Progress = false, CheckpointEvery = 0, OutDir = Fixtures.TempDir("ae-overfit"),
        };
        int threads = get_num_threads();
        set_num_threads(1); // one thread: faster than two on a shared 2-core machine for this small model
        try
        {
            var sw = Stopwatch.StartNew();
            var r = AutoencoderTraining.Train(model, _ => video.clone(), options, stopAfter: Reached);
            Assert.True(psnr > 30, $"PSNR {psnr:F2} dB after {r.EndStep} steps ({sw.Elapsed.TotalSeconds:F0} s), loss {r.FirstLoss:G3} -> {r.LastLoss:G3}");
            Assert.True(stoppedAt <= 400);
        }
        finally { set_num_threads(threads); }
    }
}

public class AutoencoderMemoryTests
{
    /// <summary>Training memory does not grow: resident memory after 500 tiny steps is within 5% of that after 50.</summary>
    [Fact]
    public void ResidentMemoryAfter500StepsIsWithin5PercentOf50()
    {
        var config = RunPresets.Tiny.Autoencoder;
        var ds = VideoDatasets.Open(AutoencoderData.DatasetFor(config, count: 64, seed: 0));
        manual_seed(0);
        using var model = new CmdAutoencoder(config);
        long at50 = 0, at500 = 0, managed50 = 0, managed500 = 0;
        // finalize unreferenced tensor wrappers (their native memory goes with them) and compact the managed heap
        static (long rss, long managed) Settled()
        {
            for (int i = 0; i < 2; i++) { System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce; GC.Collect(2, GCCollectionMode.Forced, true, true); GC.WaitForPendingFinalizers(); }
            return (LossLog.ResidentBytes(), GC.GetGCMemoryInfo().TotalCommittedBytes);
        }
        var options = AutoencoderTraining.Options(config) with { Steps = 500, Progress = false, CheckpointEvery = 0, OutDir = Fixtures.TempDir("ae-mem") };
        int threads = get_num_threads();
        set_num_threads(1);
        try
        {
            AutoencoderTraining.Train(model, AutoencoderData.Batches(ds, config.BatchSize, 0), options, onStep: (step, _) =>
            {
                if (step == 50) (at50, managed50) = Settled();
                if (step == 500) (at500, managed500) = Settled();
            });
        }
        finally { set_num_threads(threads); }
        double ratio = (double)at500 / at50;
        Assert.True(Math.Abs(ratio - 1) < 0.05, $"RSS {at50 / 1048576.0:F1} MB after 50 steps, {at500 / 1048576.0:F1} MB after 500 (x{ratio:F3}); managed heap committed {managed50 / 1048576.0:F1} -> {managed500 / 1048576.0:F1} MB");
    }
}
