using System.CommandLine;
using Cmd.Evaluation;
using Cmd.Metrics.Clip;

namespace Workbench.Cli.Commands;

/// <summary>`workbench clipsim`: CLIPSIM (mean frame-caption CLIP cosine similarity) with a CLIP model file the user brings.</summary>
public sealed class ClipsimCommand : ICommandGroup
{
    public Command Build()
    {
        var clip = new Option<string?>("--clip") { Description = $"CLIP model: OpenAI's ViT-B-32.pt TorchScript archive, or any TorchScript with encode_image/encode_text (or set {ClipModel.EnvironmentVariable})" };
        var vocab = new Option<string?>("--vocab") { Description = $"CLIP BPE vocabulary bpe_simple_vocab_16e6.txt.gz (or set {ClipTokenizer.EnvironmentVariable})" };
        var videos = new Option<string>("--videos") { Description = "'mmnist' (Moving MNIST test clips, captioned with their digits' motion) or safetensors 'videos' [N, L, C, H, W] in [-1, 1]", Required = true };
        var captions = new Option<string?>("--captions") { Description = "captions, one line per video (or a .json array); default: the videos file's 'captions' metadata" };
        var count = new Option<int>("--count") { Description = "clips when --videos mmnist", DefaultValueFactory = _ => 64 };
        var preset = new Option<string>("--preset") { Description = "Moving MNIST preset when --videos mmnist (tiny, small, srivastava)", DefaultValueFactory = _ => "small" };
        var runner = new Option<string>("--runner") { Description = "auto (OpenAI archives rebuilt from their weights, others run as TorchScript), torchscript, rebuild", DefaultValueFactory = _ => "auto" };
        runner.AcceptOnlyFromAmong("auto", "torchscript", "rebuild");
        var truncate = new Option<bool>("--truncate") { Description = "cut captions longer than 77 tokens (clip.tokenize(truncate=True)); without it they are an error" };
        var batch = new Option<int>("--batch") { Description = "videos per batch", DefaultValueFactory = _ => 8 };
        var csv = new Option<string?>("--per-video") { Description = "write each video's CLIPSIM (mean over its frames) and caption to this CSV" };
        var command = new Command("clipsim", "CLIPSIM: cosine similarity of CLIP image embeddings of every frame with the CLIP text embedding of the video's caption, averaged over frames, then videos (printed raw, not x100)")
            { clip, vocab, videos, captions, count, preset, runner, truncate, batch, csv };
        command.SetAction(result =>
        {
            var tokenizer = ClipTokenizer.Load(ClipTokenizer.ResolvePath(result.GetValue(vocab)));
            using var model = ClipModel.Load(ClipModel.ResolvePath(result.GetValue(clip)), GlobalOptions.ResolveDevice(result), result.GetValue(runner)!);
            var (r, source) = ClipSimInputs.Evaluate(model, tokenizer, result.GetValue(videos)!, result.GetValue(captions), result.GetValue(count),
                result.GetValue(preset)!, result.GetValue(batch), result.GetValue(truncate));
            Console.WriteLine($"videos: {source}; tokenizer: {tokenizer.Source} ({tokenizer.MergeCount} merges)");
            Console.WriteLine($"per-video CLIPSIM: min {r.PerVideo.Min():F4}, max {r.PerVideo.Max():F4}");
            Console.WriteLine(r);
            if (result.GetValue(csv) is string csvPath) Console.WriteLine($"per-video values: {ClipSimInputs.WritePerVideo(r, csvPath)}");
            return 0;
        });
        return command;
    }
}
