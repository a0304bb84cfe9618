using System.CommandLine;
using Cmd.Evaluation;
using Cmd.Metrics.Fvd;

namespace Workbench.Cli.Commands;

/// <summary>`workbench eval samples`: an objective score of generated class-conditional Moving MNIST videos;
/// `eval content`: whether a content DiT draws the class it is given; `eval motion`: a motion DiT on real content frames.</summary>
public sealed class EvalCommand : ICommandGroup
{
    public Command Build()
    {
        var command = new Command("eval", "Score generated videos");
        command.Subcommands.Add(Samples());
        command.Subcommands.Add(Content());
        command.Subcommands.Add(Motion());
        command.Subcommands.Add(MotionCurveCommand.Build());
        command.Subcommands.Add(ContentCurveCommand.Build());
        return command;
    }

    static Command Samples()
    {
        var samples = new Option<string[]>("--samples")
        {
            Description = "samples.safetensors of `workbench sample`: videos [N, L, C, H, W] in [-1, 1], label [N]; " +
                          "several sets of one size (e.g. sampler seeds): each scored, then their mean and spread",
            Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var weights = new Option<string?>("--weights") { Description = "FVD-local detector (default: the shipped data/fvd-local/mmnist-c3d.safetensors)" };
        var referenceDraws = ReferenceDrawsOption("each set");
        var command = new Command("samples", "Class accuracy (the detector's top-2 digits contain the class), FVD-local against as many held-out " +
                                              "real clips, the real-vs-real floor at that size, and their ratio")
            { samples, weights, referenceDraws };
        command.SetAction(r =>
        {
            var files = r.GetValue(samples)!;
            int draws = r.GetValue(referenceDraws);
            using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath(r.GetValue(weights)));
            var results = new List<SampleScore.Result>();
            foreach (var file in files)
            {
                var scored = SampleScore.ScoreDraws(detector, file, draws);
                results.Add(scored[0]);
                Console.WriteLine(files.Length == 1 ? $"{scored[0]}" : $"{file}: {scored[0]}");
                for (int d = 1; d < scored.Count; d++) Console.WriteLine($"  reference draw {d}: {scored[d].FvdPart()}");
                if (draws > 1) Console.WriteLine("  " + SampleScore.Summary(scored).Format("the samples"));
            }
            if (files.Length > 1) Console.WriteLine(SampleScore.Spread.Of(results));
            return 0;
        });
        return command;
    }

    static Command Content()
    {
        var content = new Option<string>("--content") { Description = "Content DiT run folder or weights file", Required = true };
        var pairs = new Option<string>("--pairs") { Description = "Held-out latent pairs (`ae encode --split test`): their real content frames are the reference", Required = true };
        var perClass = new Option<int>("--per-class") { Description = "Content frames sampled per class", DefaultValueFactory = _ => 20 };
        var steps = new Option<int>("--steps") { Description = "Sampler steps (paper: DDIM 50)", DefaultValueFactory = _ => 50 };
        var sampler = SamplerOption("--sampler", "Content frame");
        var cfg = new Option<double>("--cfg") { Description = "Classifier-free guidance scale (paper: 4.0)", DefaultValueFactory = _ => 4.0 };
        var frames = new Option<int>("--frames") { Description = "Length of the still clips the detector sees", DefaultValueFactory = _ => 16 };
        var ema = new Option<bool?>("--ema") { Description = "From a run folder: true its EMA weights, false its trained weights (default: EmaPolicy)" };
        var weights = new Option<string?>("--weights") { Description = "FVD-local detector (default: the shipped data/fvd-local/mmnist-c3d.safetensors)" };
        var png = new Option<string?>("--png") { Description = "Also save the generated content frames here, a row per class" };
        var cfgInterval = CfgIntervalOption();
        var command = new Command("content", "Class accuracy and FVD-local of a content DiT's frames shown to the detector " +
            "as still clips, beside held-out real content frames")
            { content, pairs, perClass, steps, sampler, cfg, cfgInterval, frames, ema, weights, png };
        command.SetAction(r =>
        {
            using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath(r.GetValue(weights)));
            var model = Cmd.Pipeline.ModelStore.LoadContent(r.GetValue(content)!, preferEma: r.GetValue(ema));
            using var real = Cmd.Training.LatentPairs.Load(r.GetValue(pairs)!);
            TorchSharp.torch.manual_seed(0);
            Console.WriteLine($"content DiT: {model.Path}");
            var interval = IntervalOf(r.GetValue(cfgInterval));
            var (score, generated) = ContentScore.Score(detector, model.Model, real.Content, real.Labels, r.GetValue(perClass),
                r.GetValue(frames), r.GetValue(steps), r.GetValue(cfg), sampler: r.GetValue(sampler), interval: interval);
            using (generated)
                if (r.GetValue(png) is { } path)
                {
                    Cmd.Reports.ContentCurveReport.SaveFrames(generated, r.GetValue(perClass), path);
                    Console.WriteLine($"content frames: {path} (a row per class, 0 at the top)");
                }
            Console.WriteLine(score);
            return 0;
        });
        return command;
    }

    static Command Motion()
    {
        var ae = new Option<string>("--ae") { Description = "Autoencoder the motion DiT was trained on (weights or checkpoint)", Required = true };
        var motion = new Option<string?>("--motion")
        {
            Description = "Motion DiT run folder or weights file (without it: the autoencoder's rows only, reconstruction and " +
                          "another clip's z, and --z-noise)",
        };
        var clips = new Option<int>("--clips") { Description = "Held-out clips scored (as many again make the floor)", DefaultValueFactory = _ => 256 };
        var steps = new Option<int>("--steps") { Description = "DDIM steps of the motion model (paper: 100)", DefaultValueFactory = _ => 100 };
        var ema = new Option<bool?>("--ema") { Description = "From a run folder: true its EMA weights, false its trained weights (default: EmaPolicy)" };
        var weights = new Option<string?>("--weights") { Description = "FVD-local detector (default: the shipped data/fvd-local/mmnist-c3d.safetensors)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the motion sampler", DefaultValueFactory = _ => 0 };
        var seeds = new Option<int[]>("--seeds")
        {
            Description = "Score motion prediction at each of these sampler seeds (e.g. 0 1 2) and their mean; " +
                          "in place of --seed",
            AllowMultipleArgumentsPerToken = true,
        };
        var sampler = SamplerOption("--sampler");
        var referenceDraws = ReferenceDrawsOption("the rows (each draw's clips also the ones encoded and given " +
            "motion; --z-noise, --from-t and --probe on draw 0 only)");
        var zNoise = new Option<double[]>("--z-noise")
        {
            Description = "Also score reconstructions with this much Gaussian noise on z (shares of z's std, e.g. 0.05 0.1 0.3): " +
                          "how exact a motion model must be",
            AllowMultipleArgumentsPerToken = true,
        };
        var fromT = new Option<int[]>("--from-t")
        {
            Description = "Also score SDEdit: real z noised to these timesteps (0-999) and denoised by the motion DiT (e.g. 100 300 600): " +
                          "which noise levels it gets wrong",
            AllowMultipleArgumentsPerToken = true,
        };
        var anchor = AnchorOption("--anchor", "Anchor the motion DiT's keypoint z at x̄'s frame (workbench; as sample " +
            "--anchor): after sampling (final, or no value), at every step's x_0 (denoised), or off (the default)");
        var probes = new Option<string[]>("--probe")
        {
            Description = "Also score real keypoint z changed in one way each (slow:0.87 jitter:0.5 offset:4 borrow:1 " +
                          "smooth:1; a factor, pixels, pixels, clips: the next clip's shifts with the own places, " +
                          "frames: shifts smoothed as --smooth-shifts does; read: " +
                          "the own shifts with the places the autoencoder reads off x̄): what FVD-local minds in " +
                          "generated motion",
            AllowMultipleArgumentsPerToken = true,
        };
        probes.Validators.Add(r =>
        {
            foreach (var p in r.GetValueOrDefault<string[]>() ?? [])
                try { TrajectoryProbe.Parse(p); } catch (ArgumentException e) { r.AddError(e.Message); }
        });
        fromT.Validators.Add(r =>   // before the minutes of scoring, not after
        {
            if (r.GetValueOrDefault<int[]>()?.Any(t => t is < 0 or > 999) == true) r.AddError("--from-t must be 0-999");
        });
        var project = new Option<bool>("--project")
        {
            Description = "Project every sampler step's x_0 onto the keypoint z layout (workbench; the SDEdit rows too)",
        };
        var cfg = new Option<double>("--cfg")
        {
            Description = "Classifier-free guidance of the motion DiT on its class (1 = none, as sample does)",
            DefaultValueFactory = _ => 1.0,
        };
        cfg.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is var g && (!double.IsFinite(g) || g < 0)) r.AddError("--cfg must be >= 0");
        });
        var highNoise = new Option<string?>("--high-noise")
        {
            Description = "Another motion DiT (run folder or weights, e.g. an earlier snapshot of the same run) " +
                          "that denoises the steps at t > --above-t, the --motion DiT the rest: which noise levels " +
                          "decide what",
        };
        var aboveT = new Option<int?>("--above-t") { Description = "Where --high-noise takes over (0-999)" };
        aboveT.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0 or > 999) r.AddError("--above-t must be 0-999");
        });
        var magnitudes = new Option<string?>("--magnitudes")
        {
            Description = "For a motion DiT trained with --magnitude: its condition from another clip's real z " +
                          "(default), the clip's own (an oracle) or the training clips' prior in the file",
            HelpName = "other|own|prior",
        };
        var magnitudeGain = new Option<double?>("--magnitude-gain")
        {
            Description = "Multiplies that condition (a probe of how far the samples follow it; default 1)",
        };
        var shiftGain = new Option<double>("--shift-gain")
        {
            Description = "Multiply the drawn keypoint z's shifts by G after sampling (a probe: would the motion DiT " +
                          "score better at another speed? 1 = as drawn)",
            DefaultValueFactory = _ => 1, HelpName = "G",
        };
        var smoothShifts = new Option<double>("--smooth-shifts")
        {
            Description = "Smooth the drawn keypoint z's shifts over the frames by a local line fit with Gaussian " +
                          "weights of SIGMA frames, before the anchor (a probe: does their wobble cost? 0 = as drawn)",
            HelpName = "SIGMA",
        };
        var ownPlaces = new Option<bool>("--own-places")
        {
            Description = "With --places final|denoised or a given-places motion DiT: the places from each held-out " +
                          "clip's own real z instead of read off x̄ (an oracle for what the read places cost)",
        };
        var places = new Option<Cmd.Pipeline.MotionPlaces>("--places")
        {
            Description = "Keypoint z's places in x̄: as the motion DiT draws them (drawn, the default), or read off " +
                          "x̄ by the autoencoder and put in after sampling (final) or in every step's x_0 (denoised)",
            HelpName = "drawn|final|denoised",
            CustomParser = a => a.Tokens.Single().Value.ToLowerInvariant() switch
            {
                "drawn" => Cmd.Pipeline.MotionPlaces.Drawn,
                "final" => Cmd.Pipeline.MotionPlaces.Final,
                "denoised" => Cmd.Pipeline.MotionPlaces.Denoised,
                var v => Fail<Cmd.Pipeline.MotionPlaces>(a, $"--places must be drawn, final or denoised (got '{v}')"),
            },
        };
        var command = new Command("motion", "FVD-local of reconstructions and of motion prediction from real content frames (Table 4a's " +
                                            "first rows), over the real-vs-real floor")
        {
            ae, motion, clips, steps, ema, weights, seed, seeds, sampler, zNoise, fromT, probes, anchor, project, cfg,
            highNoise, aboveT, magnitudes, magnitudeGain, places, ownPlaces, shiftGain, smoothShifts, referenceDraws,
        };
        command.SetAction(r =>
        {
            if (r.GetValue(motion) is null && r.GetValue(fromT) is { Length: > 0 }) throw new ArgumentException("--from-t needs --motion");
            if ((r.GetValue(highNoise) is null) != (r.GetValue(aboveT) is null))
                throw new ArgumentException("--high-noise and --above-t go together");
            if (r.GetValue(motion) is null && r.GetValue(highNoise) is not null)
                throw new ArgumentException("--high-noise needs --motion");
            if (r.GetValue(motion) is null && r.GetValue(places) != Cmd.Pipeline.MotionPlaces.Drawn)
                throw new ArgumentException("--places needs --motion");
            var draw = MagnitudeDrawOf(r.GetValue(magnitudes), r.GetValue(magnitudeGain));
            using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath(r.GetValue(weights)));
            using var autoencoder = Cmd.Pipeline.ModelStore.LoadAutoencoder(r.GetValue(ae)!);
            var model = r.GetValue(motion) is string m ? Cmd.Pipeline.ModelStore.LoadMotion(m, preferEma: r.GetValue(ema)) : null;
            using var _ = model?.Model;
            if (model?.GivenPlaces is not null && r.GetValue(fromT) is { Length: > 0 })
                throw new ArgumentException($"--from-t: {model.Path} was trained with given places; denoising real z " +
                                            "from a timestep is for a motion DiT that draws them");
            if (draw != Cmd.Pipeline.MagnitudeDraw.Default && model?.Model.Config.MagnitudeCondition != true)
                throw new ArgumentException("--magnitudes and --magnitude-gain need a motion DiT trained with " +
                                            $"--magnitude ({model?.Path ?? "no --motion"} is not)");
            var high = r.GetValue(highNoise) is string h
                ? Cmd.Pipeline.ModelStore.LoadMotion(h, preferEma: r.GetValue(ema)) : null;
            using var __ = high?.Model;
            var expert = high is null ? null : Cmd.Pipeline.NoiseExpert.For(model!, high, r.GetValue(aboveT)!.Value);
            TorchSharp.torch.manual_seed(r.GetValue(seed));
            if (model is not null) Console.WriteLine($"motion DiT: {model.Path}");
            if (model?.Model.Config.MagnitudeCondition == true) Console.WriteLine($"magnitude condition: {draw}");
            if (expert is not null) Console.WriteLine($"motion DiT at {expert}: {high!.Path}");
            int[] sampled = r.GetValue(seeds) is { Length: > 0 } given ? given : [r.GetValue(seed)];
            MotionScore.Result ScoreAt(int reference) => MotionScore.Score(detector, autoencoder, model,
                r.GetValue(clips), r.GetValue(steps), r.GetValue(sampler), sampled,
                r.GetValue(anchor) ?? Cmd.Pipeline.MotionAnchor.Off, r.GetValue(project), r.GetValue(cfg), expert, draw,
                r.GetValue(places), r.GetValue(ownPlaces), r.GetValue(shiftGain), r.GetValue(smoothShifts), reference);
            var score = ScoreAt(0);
            if (r.GetValue(smoothShifts) != 0)
                Console.WriteLine($"shifts: smoothed over {r.GetValue(smoothShifts)} frames (a probe)");
            if (r.GetValue(shiftGain) != 1) Console.WriteLine($"shifts: as drawn x {r.GetValue(shiftGain)} (a probe)");
            var source = r.GetValue(ownPlaces) ? "the clips' own real z (an oracle)" : "read off x̄ by the autoencoder";
            if (model?.GivenPlaces is not null)
                Console.WriteLine($"places: given, {source} (the DiT was trained with them)");
            else if (r.GetValue(places) != Cmd.Pipeline.MotionPlaces.Drawn)
                Console.WriteLine($"places: {source} ({r.GetValue(places)})");
            Console.WriteLine(score);
            if (score.SeedLine() is { Length: > 0 } line) Console.WriteLine(line);
            if (score.RealTrajectories is { } real)
                Console.WriteLine(KeypointTrajectories.Table([("real z", real),
                    ("another's", score.OtherClipTrajectories!),
                    .. score.BySeed.Select(s => ($"seed {s.Seed}", s.Trajectories!))]));
            var sdedit = model is null ? [] : MotionScore.FromNoisedReal(detector, autoencoder, model, r.GetValue(clips),
                r.GetValue(fromT) ?? [], r.GetValue(steps), r.GetValue(project), draw);
            foreach (var (t, fvd, ratio, _) in sdedit)
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"real z noised to t = {t} and denoised by the motion DiT: FVD-local {fvd.Value:F1} ({ratio:F2}x)"));
            if (sdedit.Count > 0 && sdedit[0].Trajectories is not null)
                Console.WriteLine(KeypointTrajectories.Table(sdedit.Select(s => ($"from t = {s.FromT}", s.Trajectories!)).ToList()));
            var probed = MotionScore.Probes(detector, autoencoder, r.GetValue(clips),
                (r.GetValue(probes) ?? []).Select(TrajectoryProbe.Parse).ToList());
            foreach (var (probe, fvd, ratio, _) in probed)
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"real z, {probe}: FVD-local {fvd.Value:F1} ({ratio:F2}x)"));
            if (probed.Count > 0)
                Console.WriteLine(KeypointTrajectories.Table(probed.Select(p => (p.Probe.ToString(), p.Trajectories)).ToList()));
            var sigmas = r.GetValue(zNoise) ?? [];
            if (sigmas.Length > 0)
                foreach (var (sigma, fvd, ratio) in MotionScore.DecoderSensitivity(detector, autoencoder, r.GetValue(clips), sigmas))
                    Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"reconstruction with noise {sigma:G3} x std(z) on z: FVD-local {fvd.Value:F1} ({ratio:F2}x)"));
            var draws = new List<MotionScore.Result> { score };
            for (int d = 1; d < r.GetValue(referenceDraws); d++)
            {
                draws.Add(ScoreAt(d));
                Console.WriteLine($"reference draw {d}: {draws[^1]}");
                if (draws[^1].SeedLine() is { Length: > 0 } seedLine)
                    Console.WriteLine($"reference draw {d}: {seedLine}");
            }
            if (draws.Count > 1) MotionScore.DrawLines(draws).ToList().ForEach(Console.WriteLine);
            return 0;
        });
        return command;
    }

    /// <summary>`--reference-draws K`: score against K independent sets of held-out clips (<see cref="ReferenceDraws"/>).</summary>
    static Option<int> ReferenceDrawsOption(string what)
    {
        var option = new Option<int>("--reference-draws")
        {
            Description = $"Score {what} against K independent draws of held-out clips, each its own real statistics " +
                          "and real-vs-real floor (draw 0 the usual one), and summarise them: one draw's floor is " +
                          "noisy", DefaultValueFactory = _ => 1, HelpName = "K",
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is var k && k < 1)
                r.AddError($"--reference-draws must be 1 or more (got {k})");
        });
        return option;
    }

    /// <summary>`--sampler ddim|ddpm` for motion latents or content frames (<see cref="Cmd.Pipeline.DiffusionSampler"/>).</summary>
    /// <summary>--cfg-interval LOW HIGH of the content sampler (<see cref="IntervalOf"/>).</summary>
    /// <summary>--magnitudes other|own|prior and --magnitude-gain G, or a one-line error naming the option.</summary>
    static Cmd.Pipeline.MagnitudeDraw MagnitudeDrawOf(string? source, double? gain)
    {
        var parsed = source?.ToLowerInvariant() switch
        {
            null or "other" => Cmd.Pipeline.MagnitudeSource.Other,
            "own" => Cmd.Pipeline.MagnitudeSource.Own,
            "prior" => Cmd.Pipeline.MagnitudeSource.Prior,
            _ => throw new ArgumentException($"--magnitudes must be other, own or prior (got '{source}')"),
        };
        if (gain is { } g && (!double.IsFinite(g) || g < 0))
            throw new ArgumentException($"--magnitude-gain must be >= 0 (got {g})");
        return new Cmd.Pipeline.MagnitudeDraw(parsed, gain ?? 1.0);
    }

    internal static Option<int[]> CfgIntervalOption() => new("--cfg-interval")
    {
        Description = "Guide only at timesteps LOW < t <= HIGH of 0-999 (workbench, as sample --cfg-interval; " +
            "default: every step)",
        AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2),
    };

    /// <summary>The guidance interval --cfg-interval gives, checked; null (every step) without it.</summary>
    internal static Cmd.Pipeline.GuidanceInterval? IntervalOf(int[]? given) =>
        given is [int low, int high] ? new Cmd.Pipeline.GuidanceInterval(low, high).Validate() : null;

    internal static Option<Cmd.Pipeline.DiffusionSampler> SamplerOption(string name, string what = "Motion") => new(name)
    {
        Description = $"{what} sampler: ddim (eta 0, the paper's) or ddpm (ancestral, the model's learned variance)",
        DefaultValueFactory = _ => Cmd.Pipeline.DiffusionSampler.Ddim,
        CustomParser = a => ParseSampler(a, name),
    };

    internal static Cmd.Pipeline.DiffusionSampler ParseSampler(System.CommandLine.Parsing.ArgumentResult a, string name) =>
        a.Tokens.Single().Value.ToLowerInvariant() switch
        {
            "ddim" => Cmd.Pipeline.DiffusionSampler.Ddim,
            "ddpm" => Cmd.Pipeline.DiffusionSampler.Ddpm,
            var v => Fail<Cmd.Pipeline.DiffusionSampler>(a, $"{name} must be ddim or ddpm (got '{v}')"),
        };

    /// <summary>`--anchor [off|final|denoised]` (<see cref="Cmd.Pipeline.MotionAnchor"/>; true and false as final and
    /// off, no value as final); null when not given.</summary>
    internal static Option<Cmd.Pipeline.MotionAnchor?> AnchorOption(string name, string description) => new(name)
    {
        Description = description,
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = a => a.Tokens.SingleOrDefault()?.Value.ToLowerInvariant() switch
        {
            null or "true" or "final" => Cmd.Pipeline.MotionAnchor.Final,
            "false" or "off" => Cmd.Pipeline.MotionAnchor.Off,
            "denoised" => Cmd.Pipeline.MotionAnchor.Denoised,
            var v => Fail<Cmd.Pipeline.MotionAnchor?>(a, $"{name} must be off, final or denoised (got '{v}')"),
        },
    };

    static T Fail<T>(System.CommandLine.Parsing.ArgumentResult a, string message)
    {
        a.AddError(message);
        return default!;
    }
}
