using Cmd.Evaluation;
using Cmd.Metrics.Efficiency;
using Cmd.Metrics.Fvd;
using Cmd.Pipeline;
using static TorchSharp.torch;

namespace Cmd.Studies;

/// <summary>
/// Table 4c cells, as notebook 05 computes them: on the study's shared autoencoder and training pairs, one motion DiT
/// with the cell's key patch size (SharedModels.Motion: resumable, and trained once for every study that needs it), then for held-out clips motion latents sampled
/// from their real content frames (CmdSampler.PredictMotion), decoded and scored with FVD; GFLOPs per forward
/// (VideoDenoiserFlops) and trainable parameters beside it, and the references: reconstruction with the real z, the
/// static content frame, real vs real.
/// </summary>
public static class MotionCell
{
    public static Dictionary<string, double> Run(CellContext x)
    {
        var c = x.Config;
        using var ae = SharedModels.Autoencoder(x);
        using var trainPairs = SharedModels.TrainPairs(x, ae);
        var config = trainPairs.FitMotion(c.Motion!).Validate();
        var folder = SharedModels.Motion(x, trainPairs);
        var metrics = new Dictionary<string, double>
        {
            ["train_loss"] = StudyData.FinalLoss(folder),
            ["gflops"] = VideoDenoiserFlops.MotionDiT(config) / 1e9,
        };
        var motion = ModelStore.LoadMotion(folder, x.Device);
        using var _ = motion.Model;
        metrics["parameters"] = motion.Model.ParameterCount(trainableOnly: true);
        if (!x.WantsAny("fvd", "reconstruction_fvd", "static_fvd", "floor")) return metrics;

        var test = StudyData.HeldOut(c.Dataset, ae.Config, c.EvaluationClips, x.Plan.BaseDirectory);
        int n = StudyData.Scored(test, c.EvaluationClips);
        using var held = LatentEncoder.Encode(ae, test, n);
        var detector = x.OpenDetector(ae.Config.Channels);
        try
        {
            var real = FvdEvaluation.Stats(detector, test, n);
            if (x.Wants("fvd"))
            {
                manual_seed(c.Seed + 7);
                using var z = CmdSampler.PredictMotion(motion, held, c.MotionSamplingSteps);
                using var videos = CmdSampler.Decode(ae, held.Content, z);
                metrics["fvd"] = FvdEvaluation.Of(detector, real, videos).Value;
            }
            if (x.Wants("reconstruction_fvd"))
            {
                using var reconstructions = CmdSampler.Decode(ae, held.Content, held.Z);
                metrics["reconstruction_fvd"] = FvdEvaluation.Of(detector, real, reconstructions).Value;
            }
            if (x.Wants("static_fvd"))
            {
                using var still = held.Content.unsqueeze(1).expand(-1, ae.Config.Frames, -1, -1, -1).contiguous();
                metrics["static_fvd"] = FvdEvaluation.Of(detector, real, still).Value;
            }
            if (x.Wants("floor")) metrics["floor"] = FvdEvaluation.RealVsReal(detector, real, test, n).Value;
        }
        finally { (detector as IDisposable)?.Dispose(); }
        return metrics;
    }
}
