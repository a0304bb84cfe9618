using System.CommandLine;
using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using Cmd.Reports;
using Cmd.Training;

namespace Workbench.Cli.Commands;

/// <summary>`workbench fvd ...`: FVD-local detector training, its sanity curves, and FVD between video sets.</summary>
public sealed class FvdCommand : ICommandGroup
{
    public const string DefaultLocalWeights = "data/fvd-local/mmnist-c3d.safetensors"; // FvdEvaluation.LocalDetectorPath()

    public Command Build()
    {
        var fvd = new Command("fvd", "Frechet video distance: FVD-local (workbench-trained 3D-conv detector), R-FVD, and the detector's sanity check");
        fvd.Subcommands.Add(TrainLocal());
        foreach (var c in FvdCommands.More()) fvd.Subcommands.Add(c);
        return fvd;
    }

    static Command TrainLocal()
    {
        var steps = new Option<int>("--steps") { Description = "training steps", DefaultValueFactory = _ => 4000 };
        var batch = new Option<int>("--batch") { Description = "clips per step", DefaultValueFactory = _ => 32 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 2e-3 };
        var preset = new Option<string>("--preset") { Description = "Moving MNIST preset (tiny, small)", DefaultValueFactory = _ => "small" };
        var outPath = new Option<string>("--out") { Description = $"weights file (the shipped detector is {DefaultLocalWeights}; pass it here to replace it)", DefaultValueFactory = _ => "runs/fvd-local/detector.safetensors" };
        var runDir = new Option<string>("--run-dir") { Description = "checkpoints and loss log", DefaultValueFactory = _ => "runs/fvd-local" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "continue from the run folder's checkpoint (with --steps at or below it: just evaluate and write the weights)" };
        var command = new Command("train-local", "Train the FVD-local detector ((2+1)D-conv classifier of the digits in Moving MNIST clips)")
            { steps, batch, lr, preset, outPath, runDir, seed, resume };
        command.SetAction(result =>
        {
            var o = new LocalDetectorTraining.Options(result.GetValue(preset)!, result.GetValue(steps), result.GetValue(batch), result.GetValue(lr),
                Seed: result.GetValue(seed), OutDir: result.GetValue(runDir)!, Resume: result.GetValue(resume));
            string commandLine = $"workbench fvd train-local --preset {o.Preset} --steps {o.Steps} --batch {o.BatchSize} --lr {o.LearningRate} --seed {o.Seed}";
            var r = LocalDetectorTraining.Train(o, result.GetValue(outPath)!, new Dictionary<string, string> { ["command"] = commandLine });
            Console.WriteLine($"trained FVD-local detector: steps {r.Training.StartStep}..{r.Training.EndStep} in {r.Training.Seconds:F0} s this run, loss {r.Training.FirstLoss:F4} -> {r.Training.MeanLossLast10Percent:F4} (mean of last 10%; loss log: {o.OutDir})");
            Console.WriteLine($"test-digit accuracy (both digits right): {r.TestAccuracy:P1}");
            Console.WriteLine($"weights: {r.WeightsPath}");
            return 0;
        });
        return command;
    }
}

/// <summary>The other `fvd` subcommands (sanity, local, recon).</summary>
static class FvdCommands
{
    static Option<string> Weights() => new("--weights")
    {
        Description = "FVD-local detector weights (trained by `workbench fvd train-local`)",
        DefaultValueFactory = _ => FvdEvaluation.LocalDetectorPath(), // the shipped detector, found from any working folder
    };

    public static IEnumerable<Command> More() => [Sanity(), Local(), Recon(), StyleGanV(), Pvdm()];

    static Command Sanity()
    {
        var weights = Weights();
        var clips = new Option<int>("--clips") { Description = "clips per set", DefaultValueFactory = _ => 256 };
        var preset = new Option<string>("--preset") { Description = "Moving MNIST preset the detector was trained on", DefaultValueFactory = _ => "small" };
        var outDir = new Option<string>("--out") { Description = "folder for the chart (HTML) and CSV", DefaultValueFactory = _ => "results" };
        var command = new Command("sanity", "FVD-local of real vs real, and vs real clips with increasing noise / blur / frame shuffling; writes a Plotly chart")
            { weights, clips, preset, outDir };
        command.SetAction(result =>
        {
            using var detector = LocalFvdDetector.Load(result.GetValue(weights)!);
            int n = result.GetValue(clips);
            if (n < 8) throw new ArgumentException($"--clips must be >= 8 (got {n})");
            var report = FvdSanity.Run(detector, Cmd.Data.MovingMnistConfig.Preset(result.GetValue(preset)!), n);
            Console.Write(report.Format());
            Console.WriteLine($"chart: {FvdSanityReport.Write(report, result.GetValue(outDir)!)}");
            return 0;
        });
        return command;
    }

    static Command Local()
    {
        var weights = Weights();
        var real = new Option<string>("--real") { Description = "real videos: 'mmnist' (test digits) or a safetensors file with videos [N, L, C, H, W] in [-1, 1] (or cached stats mu/sigma)", DefaultValueFactory = _ => "mmnist" };
        var fake = new Option<string>("--fake") { Description = "generated videos: safetensors with videos [N, L, C, H, W] in [-1, 1]", Required = true };
        var count = new Option<int>("--count") { Description = "real clips when --real mmnist", DefaultValueFactory = _ => 512 };
        var saveReal = new Option<string?>("--save-real-stats") { Description = "write the real statistics (mu, sigma) here for reuse as --real" };
        var command = new Command("local", "FVD-local between real videos and generated ones") { weights, real, fake, count, saveReal };
        command.SetAction(result =>
        {
            using var detector = LocalFvdDetector.Load(result.GetValue(weights)!);
            using var fakeVideos = FvdEvaluation.ReadVideos(result.GetValue(fake)!); // a bad file fails before the real statistics
            var realStats = FvdEvaluation.RealStats(detector, result.GetValue(real)!, result.GetValue(count), detector.Model.Channels);
            if (result.GetValue(saveReal) is string path)
                realStats.Save(path, new Dictionary<string, string> { ["protocol"] = detector.Protocol, ["detector"] = detector.DetectorName });
            Console.WriteLine(FvdEvaluation.Of(detector, realStats, fakeVideos));
            return 0;
        });
        return command;
    }

    static Command Recon()
    {
        var weights = Weights();
        var ae = new Option<string>("--ae") { Description = "autoencoder checkpoint (from `workbench ae train`)", Required = true };
        var count = new Option<int>("--count") { Description = "Moving MNIST test clips", DefaultValueFactory = _ => 256 };
        var command = new Command("recon", "R-FVD (Table 4b): FVD-local between real clips and their autoencoder reconstructions") { weights, ae, count };
        command.SetAction(result =>
        {
            using var detector = LocalFvdDetector.Load(result.GetValue(weights)!);
            using var model = Cmd.Pipeline.ModelStore.LoadAutoencoder(result.GetValue(ae)!);
            var c = model.Config;
            if (c.Height != c.Width) throw new ArgumentException($"R-FVD on Moving MNIST needs a square autoencoder (got {c.Height}x{c.Width})");
            var data = FvdEvaluation.HeldOut(new Cmd.Data.MovingMnistConfig { Frames = c.Frames, Size = c.Height, Channels = c.Channels }, result.GetValue(count));
            Console.WriteLine(FrechetVideoDistance.Reconstruction(detector, FrechetVideoDistance.Batches(data, data.Count, 16), v => model.call(v)));
            return 0;
        });
        return command;
    }

    static Command StyleGanV()
    {
        var i3d = new Option<string?>("--i3d") { Description = $"StyleGAN-V's i3d_torchscript.pt (or set {StyleGanVDetector.EnvironmentVariable})" };
        var real = new Option<string>("--real") { Description = "real videos: 'mmnist' or safetensors 'videos' [N, T, C, H, W] in [-1, 1] (T >= 16; one random 16-frame clip per video), or cached stats mu/sigma", DefaultValueFactory = _ => "mmnist" };
        var fake = new Option<string>("--fake") { Description = "generated videos, same layout", Required = true };
        var count = new Option<int>("--count") { Description = "real clips when --real mmnist", DefaultValueFactory = _ => 2048 };
        var saveReal = new Option<string?>("--save-real-stats") { Description = "write the real statistics (mu, sigma) here for reuse as --real" };
        var seed = new Option<int>("--seed") { Description = "clip sampling seed", DefaultValueFactory = _ => 0 };
        var command = new Command("stylegan-v", "FVD with StyleGAN-V's protocol and TorchScript I3D (the paper's FVD)") { i3d, real, fake, count, saveReal, seed };
        command.SetAction(result =>
        {
            using var detector = new StyleGanVDetector(StyleGanVDetector.ResolvePath(result.GetValue(i3d)), GlobalOptions.ResolveDevice(result));
            var rng = new Random(result.GetValue(seed));
            var realStats = FvdEvaluation.RealStats(detector, result.GetValue(real)!, result.GetValue(count), 1, v => FvdEvaluation.StyleGanVClips(v, rng));
            if (result.GetValue(saveReal) is string path)
                realStats.Save(path, new Dictionary<string, string> { ["protocol"] = detector.Protocol, ["detector"] = detector.DetectorName });
            using var fakeVideos = FvdEvaluation.StyleGanVClips(FvdEvaluation.ReadVideos(result.GetValue(fake)!), rng);
            Console.WriteLine(FvdEvaluation.Of(detector, realStats, fakeVideos, batch: 8));
            return 0;
        });
        return command;
    }

    static Command Pvdm()
    {
        var weights = new Option<string>("--i3d-weights") { Description = "InceptionI3d(400) weights: PVDM's i3d_pretrained_400.pt state dict converted to safetensors", Required = true };
        var real = new Option<string>("--real") { Description = "real videos: 'mmnist' or safetensors 'videos' [N, T, C, H, W] in [-1, 1], or cached stats mu/sigma", DefaultValueFactory = _ => "mmnist" };
        var fake = new Option<string>("--fake") { Description = "generated videos, same layout", Required = true };
        var count = new Option<int>("--count") { Description = "real clips when --real mmnist", DefaultValueFactory = _ => 2048 };
        var command = new Command("pvdm", "FVD with the authors' code protocol (PVDM/CMD eval/fvd: InceptionI3d logits, SVD square root); not comparable with stylegan-v")
            { weights, real, fake, count };
        command.SetAction(result =>
        {
            using var detector = PvdmDetector.Load(result.GetValue(weights)!, GlobalOptions.ResolveDevice(result));
            var realStats = FvdEvaluation.RealStats(detector, result.GetValue(real)!, result.GetValue(count));
            using var fakeVideos = FvdEvaluation.ReadVideos(result.GetValue(fake)!);
            Console.WriteLine(FvdEvaluation.Of(detector, realStats, fakeVideos, batch: 8));
            return 0;
        });
        return command;
    }
}
