using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using Cmd.Pipeline;
using static TorchSharp.torch;

namespace Cmd.Studies;

/// <summary>
/// Table 4a cells, as notebook 06 computes them: on the shared autoencoder and pairs, a content-frame DiT (Eq. 7) and
/// a motion DiT (Eq. 8, SharedModels.Motion) trained at the cell's seed, then FVD of (1) reconstructions (real content frame, real z),
/// (2) motion prediction (real content frame, generated z: CmdSampler.PredictMotion), (3) content generation, the full
/// CMD (generated content frame, then generated z: CmdSampler.Sample), and the real-vs-real floor.
/// </summary>
public static class ComponentsCell
{
    public static Dictionary<string, double> Run(CellContext x)
    {
        var c = x.Config;
        using var ae = SharedModels.Autoencoder(x);
        var contentFolder = Path.Combine(x.RunFolder, "content");
        string motionFolder;
        using (var pairs = SharedModels.TrainPairs(x, ae))
        {
            var rc = PipelineTraining.Content(pairs.FitContent(c.Content!), pairs, c.ContentSteps, c.DiffusionBatch,
                new PipelineTraining.Run(contentFolder, x.Device, Seed: c.Seed, CheckpointEvery: 250));
            x.Log($"content DiT: steps {rc.StartStep}..{rc.EndStep} in {rc.Seconds:F0} s");
            motionFolder = SharedModels.Motion(x, pairs); // Table 4c's key-patch-8 cell of this seed trains the same one
        }
        var content = ModelStore.LoadContent(contentFolder, x.Device);
        var motion = ModelStore.LoadMotion(motionFolder, x.Device);
        using var contentModel = content.Model;
        using var motionModel = motion.Model;
        var test = StudyData.HeldOut(c.Dataset, ae.Config, c.EvaluationClips, x.Plan.BaseDirectory);
        int n = StudyData.Scored(test, c.EvaluationClips);
        using var held = LatentEncoder.Encode(ae, test, n);
        var detector = x.OpenDetector(ae.Config.Channels);
        var metrics = new Dictionary<string, double>();
        try
        {
            var real = FvdEvaluation.Stats(detector, test, n);
            using (var reconstructions = CmdSampler.Decode(ae, held.Content, held.Z))
                metrics["reconstruction_fvd"] = FvdEvaluation.Of(detector, real, reconstructions).Value;
            manual_seed(c.Seed + 7);
            using (var z = CmdSampler.PredictMotion(motion, held, c.MotionSamplingSteps))
            using (var predicted = CmdSampler.Decode(ae, held.Content, z))
                metrics["motion_prediction_fvd"] = FvdEvaluation.Of(detector, real, predicted).Value;
            if (x.Wants("generation_fvd"))
            {
                manual_seed(c.Seed + 8);
                var generated = CmdSampler.Sample(ae, content.Model, motion, held.Labels.data<long>().ToArray(),
                    c.ContentSamplingSteps, c.MotionSamplingSteps, c.CfgScale, batchSize: 16);
                metrics["generation_fvd"] = FvdEvaluation.Of(detector, real, generated.Videos).Value;
                generated.ContentFrames.Dispose(); generated.Z.Dispose(); generated.Videos.Dispose(); generated.Labels.Dispose();
            }
            metrics["floor"] = FvdEvaluation.RealVsReal(detector, real, test, n).Value;
        }
        finally { (detector as IDisposable)?.Dispose(); }
        return metrics;
    }
}
