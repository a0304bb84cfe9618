using System.CommandLine;
using System.Diagnostics;
using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using Cmd.Reports;

namespace Workbench.Cli.Commands;

/// <summary>`workbench eval content-curve`: content frames against training step over kept snapshots of one content
/// DiT (<see cref="ContentCurve"/>), written as CSV, Markdown, frames and a chart (<see cref="ContentCurveReport"/>).
/// </summary>
static class ContentCurveCommand
{
    public static Command Build()
    {
        var snapshots = new Option<string[]>("--snapshots")
        {
            Description = "Content DiT weights kept during one training, the step the last number in each file name " +
                          "(run-ema-4000.safetensors)",
            AllowMultipleArgumentsPerToken = true,
        };
        var reference = new Option<string?>("--reference")
            { Description = "Another content DiT scored the same way and drawn as a flat line (e.g. the shipped one)" };
        var pairs = new Option<string?>("--pairs")
        {
            Description = "Held-out latent pairs (`ae encode --split test`): their real content frames are the " +
                          "reference",
        };
        var output = new Option<string>("--out")
            { Description = "Folder for content-curve.csv, .md, .html, .png and each point's frames", Required = true };
        var perClass = new Option<int>("--per-class")
            { Description = "Content frames sampled per class", DefaultValueFactory = _ => 20 };
        var steps = new Option<int>("--steps")
            { Description = "Sampler steps (paper: DDIM 50)", DefaultValueFactory = _ => 50 };
        var sampler = EvalCommand.SamplerOption("--sampler", "Content frame");
        var cfg = new Option<double>("--cfg")
            { Description = "Classifier-free guidance scale (paper: 4.0)", DefaultValueFactory = _ => 4.0 };
        var cfgInterval = EvalCommand.CfgIntervalOption();
        var frames = new Option<int>("--frames")
            { Description = "Length of the still clips the detector sees", DefaultValueFactory = _ => 16 };
        var seed = new Option<int>("--seed")
            { Description = "Sampler seed, the same at every point", DefaultValueFactory = _ => 0 };
        var ema = new Option<bool?>("--ema")
            { Description = "Snapshots that are run folders: true their EMA weights, false their trained weights" };
        var weights = new Option<string?>("--weights")
            { Description = "FVD-local detector (default: the shipped data/fvd-local/mmnist-c3d.safetensors)" };
        var videos = new Option<bool>("--videos")
        {
            Description = "Also draw full videos of every point's classes (content frames as sampled here, then " +
                          "--motion and --ae) and score them as `eval samples` does",
        };
        var ae = new Option<string?>("--ae")
            { Description = "Autoencoder of the videos (default: the shipped small one)" };
        var motion = new Option<string?>("--motion")
            { Description = "Motion DiT of the videos, run folder or file (default: the shipped small one)" };
        var motionSteps = new Option<int?>("--motion-steps")
            { Description = "DDIM steps of the motion DiT (default: the paper's 100)" };
        var anchor = EvalCommand.AnchorOption("--anchor", "Anchor the videos' keypoint z at x̄'s frame (as sample " +
            "--anchor; default: as sampling.json says for the shipped motion DiT, else off)");
        var replot = new Option<bool>("--replot")
        {
            Description = "Only write the table and chart again from --out's content-curve.csv (no scoring; the CSV " +
                          "is written after every point, so this also draws a stopped run's points)",
        };
        var command = new Command("content-curve", "Class accuracy and FVD-local of a content DiT's frames as still " +
                                                   "clips against training step, over snapshots of one training")
            { snapshots, reference, pairs, output, perClass, steps, sampler, cfg, cfgInterval, frames, seed, ema,
              weights, videos, ae, motion, motionSteps, anchor, replot };
        command.SetAction(r =>
        {
            var folder = r.GetValue(output)!;
            if (r.GetValue(replot))
            {
                foreach (var path in ContentCurveReport.Replot(folder, Console.Error.WriteLine))
                    Console.WriteLine($"wrote {path}");
                return 0;
            }
            var files = r.GetValue(snapshots) is { Length: > 0 } given ? given
                : throw new ArgumentException("--snapshots: give the content DiT weights to score (or --replot)");
            var pairsPath = r.GetValue(pairs)
                ?? throw new ArgumentException("--pairs: give held-out latent pairs (`ae encode --split test`)");
            Snapshots.ByStep(files, "content DiT");   // a bad name or path fails before anything loads
            bool forVideos = r.GetValue(ae) is not null || r.GetValue(motion) is not null
                             || r.GetValue(motionSteps) is not null || r.GetValue(anchor) is not null;
            if (forVideos && !r.GetValue(videos))
                throw new ArgumentException(
                    "--ae, --motion, --motion-steps and --anchor are for the videos: add --videos");
            var settings = new ContentCurve.Settings(r.GetValue(perClass), r.GetValue(frames), r.GetValue(steps),
                r.GetValue(cfg), r.GetValue(sampler), EvalCommand.IntervalOf(r.GetValue(cfgInterval)),
                r.GetValue(seed));
            using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath(r.GetValue(weights)));
            using var real = Cmd.Training.LatentPairs.Load(pairsPath);
            var shipped = Cmd.Pipeline.ShippedWeights.Small;
            var motionPath = r.GetValue(motion) ?? shipped.Motion;
            using var videoAe = r.GetValue(videos)
                ? Cmd.Pipeline.ModelStore.LoadAutoencoder(r.GetValue(ae) ?? shipped.Autoencoder) : null;
            var videoMotion = r.GetValue(videos) ? Cmd.Pipeline.ModelStore.LoadMotion(motionPath) : null;
            using var _ = videoMotion?.Model;
            var full = videoAe is null ? null : new ContentCurve.Videos(videoAe, videoMotion!,
                r.GetValue(motionSteps) ?? Cmd.Pipeline.CmdSampler.DefaultMotionSteps,
                r.GetValue(anchor) ?? shipped.AnchorFor(motionPath));   // the motion DiT read as `sample` reads it
            Directory.CreateDirectory(folder);
            var clock = Stopwatch.StartNew();
            int total = files.Length + (r.GetValue(reference) is null ? 0 : 1), done = 0;
            var rows = new List<ContentCurveReport.Row>();
            void Heard(ContentCurve.Point p, TorchSharp.torch.Tensor generated)
            {
                // the CSV after every point: a stopped run keeps what it scored
                rows.Add(ContentCurveReport.RowOf(p));
                File.WriteAllText(Path.Combine(folder, "content-curve.csv"), ContentCurveReport.Csv(rows));
                var png = Path.Combine(folder, ContentCurveReport.FramesName(p.Step));
                ContentCurveReport.SaveFrames(generated, settings.PerClass, png);
                var eta = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / ++done * (total - done));
                Console.WriteLine($"{(p.Step is { } s ? $"step {s:N0}" : "reference")} ({done}/{total}, " +
                                  $"ETA {eta:h\\:mm\\:ss}): {p.Score}" +
                                  (p.Full is { } v ? $"; full videos: {v}" : "") + $"; frames {png}");
            }
            ContentCurve.Score(detector, real.Content, real.Labels, files, settings, r.GetValue(ema), Heard,
                full);
            if (r.GetValue(reference) is { } other)
                ContentCurve.ScoreOne(detector, real.Content, real.Labels, other, null, settings, scored: Heard,
                    videos: full);
            Console.Write(ContentCurveReport.Markdown(rows));
            foreach (var path in ContentCurveReport.Write(rows, folder, Console.Error.WriteLine))
                Console.WriteLine($"wrote {path}");
            return 0;
        });
        return command;
    }
}
