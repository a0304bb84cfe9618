using System.CommandLine;
using System.Diagnostics;
using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using Cmd.Reports;

namespace Workbench.Cli.Commands;

/// <summary>`workbench eval motion-curve`: motion prediction against training step over kept snapshots of one motion
/// DiT (<see cref="MotionCurve"/>), written as CSV, Markdown and a chart (<see cref="MotionCurveReport"/>).</summary>
static class MotionCurveCommand
{
    public static Command Build()
    {
        var ae = new Option<string?>("--ae")
            { Description = "Autoencoder the motion DiT was trained on (weights or checkpoint)" };
        var snapshots = new Option<string[]>("--snapshots")
        {
            Description = "Motion DiT weights kept during one training, the step the last number in each file name " +
                          "(run-ema-4000.safetensors)",
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--out")
            { Description = "Folder for motion-curve.csv, .md, .html and .png", Required = true };
        var clips = new Option<int>("--clips")
            { Description = "Held-out clips scored (as many again make the floor)", DefaultValueFactory = _ => 256 };
        var seeds = new Option<int[]>("--seeds")
        {
            Description = "Sampler seeds, each a motion prediction of the same clips at every snapshot",
            DefaultValueFactory = _ => [0, 1, 2],
            AllowMultipleArgumentsPerToken = true,
        };
        var steps = new Option<int>("--steps")
            { Description = "DDIM steps of the motion model (paper: 100)", DefaultValueFactory = _ => 100 };
        var sampler = EvalCommand.SamplerOption("--sampler");
        var anchor = EvalCommand.AnchorOption("--anchor",
            "Anchor the keypoint z at x̄'s frame (as eval motion --anchor; off by default, final as shipped)");
        var ema = new Option<bool?>("--ema")
            { Description = "Snapshots that are run folders: true their EMA weights, false their trained weights" };
        var target = new Option<double>("--target")
            { Description = "The ratio the chart marks as the target (issue 14: 2)", DefaultValueFactory = _ => 2.0 };
        var weights = new Option<string?>("--weights")
            { Description = "FVD-local detector (default: the shipped data/fvd-local/mmnist-c3d.safetensors)" };
        var replot = new Option<bool>("--replot")
        {
            Description = "Only write the table and chart again from --out's motion-curve.csv (no scoring; the CSV " +
                          "is written after every point, so this also draws a stopped run's points)",
        };
        var command = new Command("motion-curve", "Motion prediction from real content frames against training step, " +
                                                  "over snapshots of one motion DiT, as a table and a chart")
            { ae, snapshots, output, clips, seeds, steps, sampler, anchor, ema, target, weights, replot };
        command.SetAction(r =>
        {
            var folder = r.GetValue(output)!;
            if (r.GetValue(replot))
            {
                foreach (var path in MotionCurveReport.Replot(folder, r.GetValue(target), Console.Error.WriteLine))
                    Console.WriteLine($"wrote {path}");
                return 0;
            }
            var files = r.GetValue(snapshots) is { Length: > 0 } given ? given
                : throw new ArgumentException("--snapshots: give the motion DiT weights to score (or --replot)");
            if (r.GetValue(ae) is null)
                throw new ArgumentException("--ae: give the autoencoder the motion DiT was trained on");
            using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath(r.GetValue(weights)));
            using var autoencoder = Cmd.Pipeline.ModelStore.LoadAutoencoder(r.GetValue(ae)!);
            var clock = Stopwatch.StartNew();
            int done = 0;
            var scored = new List<MotionCurve.Point>();
            Directory.CreateDirectory(folder);
            var points = MotionCurve.Score(detector, autoencoder, files, r.GetValue(clips), r.GetValue(seeds)!,
                r.GetValue(steps), r.GetValue(sampler), r.GetValue(anchor) ?? Cmd.Pipeline.MotionAnchor.Off,
                r.GetValue(ema),
                p =>
                {
                    done++;
                    scored.Add(p);   // the CSV after every point: a stopped run keeps what it scored
                    File.WriteAllText(Path.Combine(folder, "motion-curve.csv"), MotionCurveReport.Csv(scored));
                    var eta = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / done * (files.Length - done));
                    Console.WriteLine($"step {p.Step:N0} ({done}/{files.Length}, ETA {eta:h\\:mm\\:ss}): " +
                                      (p.Score.SeedLine() is { Length: > 0 } line ? line : p.Score.ToString()));
                });
            Console.WriteLine(points[0].Score);
            Console.Write(MotionCurveReport.Markdown(MotionCurveReport.Rows(points)));
            foreach (var path in MotionCurveReport.Write(points, folder, r.GetValue(target), Console.Error.WriteLine))
                Console.WriteLine($"wrote {path}");
            return 0;
        });
        return command;
    }
}
