using System.CommandLine;
using Cmd.Pipeline;
using Cmd.Reports;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

/// <summary>`workbench sample`: class -> content frame (DDIM 50, or as the shipped set says) -> motion latent (DDIM 100)
/// -> decoder -> video; writes grids, GIFs, MP4s.</summary>
public sealed class SampleCommand : ICommandGroup
{
    public Command Build()
    {
        var ae = new Option<string>("--ae") { Description = "Autoencoder checkpoint or weights (default: the shipped small model)", DefaultValueFactory = _ => ShippedWeights.Small.Autoencoder };
        var content = new Option<string>("--content") { Description = "Content-frame model run folder or file (default: the shipped small model)", DefaultValueFactory = _ => ShippedWeights.Small.Content };
        var motion = new Option<string>("--motion") { Description = "Motion model run folder or file (default: the shipped small model)", DefaultValueFactory = _ => ShippedWeights.Small.Motion };
        var cls = new Option<int[]>("--class") { Description = "Class label(s) to generate", DefaultValueFactory = _ => [0], AllowMultipleArgumentsPerToken = true };
        var count = new Option<int>("--count") { Description = "Videos per class", DefaultValueFactory = _ => 8 };
        var contentSteps = new Option<int?>("--content-steps")
        {
            Description = "Sampler steps of the content model (paper: DDIM 50; default: the shipped set's, "
                + "data/weights/small/sampling.json, with the shipped content model, else 50)"
        };
        var motionSteps = new Option<int>("--motion-steps") { Description = "DDIM steps of the motion model (paper: 100)", DefaultValueFactory = _ => 100 };
        var motionSampler = EvalCommand.SamplerOption("--motion-sampler");
        var contentSampler = new Option<DiffusionSampler?>("--content-sampler")
        {
            Description = "Content frame sampler: ddim (eta 0, the paper's) or ddpm (ancestral, the model's learned "
                + "variance; default: the shipped set's, data/weights/small/sampling.json, with the shipped content model, else ddim)",
            CustomParser = a => EvalCommand.ParseSampler(a, "--content-sampler"),
        };
        var cfg = new Option<double?>("--cfg")
        {
            Description = "Classifier-free guidance scale of the content model (paper: 4.0; default: the shipped set's, "
                + "data/weights/small/sampling.json, with the shipped content model, else 4.0)"
        };
        var cfgInterval = new Option<int[]>("--cfg-interval")
        {
            Description = "Guide the content model only at timesteps LOW < t <= HIGH of 0-999 (workbench, Kynkäänniemi et " +
                "al. 2024; default: the shipped set's, data/weights/small/sampling.json, with the shipped content model, " +
                "else every step)",
            AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2),
        };
        var anchor = EvalCommand.AnchorOption("--anchor", "Anchor keypoint z at x̄'s frame (workbench, not the paper: " +
            "the frame where the shifts are smallest is taken as x̄'s and its shifts subtracted from every frame) after " +
            "sampling (final, or no value), at every step's x_0 (denoised) or off; default: the shipped set's, " +
            "data/weights/small/sampling.json, with the shipped motion model, else off");
        var batch = new Option<int>("--batch") { Description = "Samples per batch", DefaultValueFactory = _ => 16 };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 0 };
        var ema = new Option<bool>("--ema") { Description = "Sample the runs' EMA weights (default: when a run has >= 5,000 steps)" };
        var noEma = new Option<bool>("--no-ema") { Description = "Sample the runs' trained weights" };
        var dtype = new Option<string>("--dtype")
        {
            Description = "Storage of samples.safetensors: float32, or float16/bfloat16 to halve it (readers upcast)",
            DefaultValueFactory = _ => "float32",
        };
        dtype.AcceptOnlyFromAmong("float32", "float16", "bfloat16");
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "results/samples" };
        var command = new Command("sample", "Generate videos with CMD: content frame, then motion latent, then decode")
            { ae, content, motion, cls, count, contentSteps, motionSteps, motionSampler, cfg, batch, seed, ema, noEma, dtype,
              output, anchor, contentSampler, cfgInterval };
        command.SetAction(r =>
        {
            var device = GlobalOptions.ResolveDevice(r);
            manual_seed(r.GetValue(seed));
            if (r.GetValue(ema) && r.GetValue(noEma)) throw new ArgumentException("--ema and --no-ema exclude each other");
            bool? preferEma = r.GetValue(ema) ? true : r.GetValue(noEma) ? false : null;
            var labels = r.GetValue(cls)!.SelectMany(k => Enumerable.Repeat((long)k, r.GetValue(count))).ToArray();
            var set = IsShipped(r.GetValue(content)!, ShippedWeights.Small.Content) ? ShippedWeights.Small : null;
            double cfgScale = r.GetValue(cfg) ?? set?.CfgScale ?? CmdSampler.DefaultCfgScale;
            int steps = r.GetValue(contentSteps) ?? set?.ContentSteps ?? CmdSampler.DefaultContentSteps;
            var sampler = r.GetValue(contentSampler) ?? set?.ContentSampler ?? DiffusionSampler.Ddim;
            var interval = r.GetValue(cfgInterval) is [int low, int high] ? new GuidanceInterval(low, high).Validate()
                : set?.CfgInterval ?? GuidanceInterval.Always;
            var samples = CmdSampler.SampleFromFiles(r.GetValue(ae)!, r.GetValue(content)!, r.GetValue(motion)!, labels, device,
                steps, r.GetValue(motionSteps), cfgScale, r.GetValue(batch), preferEma, Console.Error.WriteLine,
                r.GetValue(motionSampler), r.GetValue(anchor) ?? ShippedWeights.Small.AnchorFor(r.GetValue(motion)!),
                sampler, interval);
            var written = SampleWriter.Write(r.GetValue(output)!, samples.ContentFrames, samples.Videos, labels, samples.Z,
                storage: r.GetValue(dtype) switch { "float16" => ScalarType.Float16, "bfloat16" => ScalarType.BFloat16, _ => null });
            Console.WriteLine($"content frames: {written.ContentGrid}");
            Console.WriteLine($"videos:         {written.VideoGrid}");
            Console.WriteLine($"class sheet:    {written.Sheet} (animated, a row per class)");
            Console.WriteLine($"GIFs:           {written.Gifs.Count} in {r.GetValue(output)} ({written.Mp4s.Count} MP4s), " +
                $"the first {SampleWriter.FilesPerClass} of each class");
            Console.WriteLine($"tensors:        {written.Tensors} (videos for `workbench fvd local --fake`)");
            return 0;
        });
        return command;
    }

    /// <summary>Whether a model argument is the shipped file, whose sampling settings then come from sampling.json.</summary>
    static bool IsShipped(string given, string shipped) => Path.GetFullPath(given) == Path.GetFullPath(shipped);
}
