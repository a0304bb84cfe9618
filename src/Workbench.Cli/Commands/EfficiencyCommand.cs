using System.CommandLine;
using Cmd.Benchmarks;
using Cmd.Metrics.Efficiency;

namespace Workbench.Cli.Commands;

/// <summary>`workbench efficiency --compare cmd,cubic --preset paper-webvid-512x1024 --frames 16 [--measure]`.</summary>
public sealed class EfficiencyCommand : ICommandGroup
{
    public Command Build()
    {
        var compare = new Option<string>("--compare") { Description = "methods to compare (cmd,cubic)", DefaultValueFactory = _ => "cmd,cubic" };
        var preset = new Option<string>("--preset")
        {
            Description = $"setting: {string.Join(", ", EfficiencySetting.Presets.Keys)}",
            DefaultValueFactory = _ => "paper-webvid-512x1024",
        };
        var frames = new Option<int?>("--frames") { Description = "frames per video (default: the preset's)" };
        var measure = new Option<bool>("--measure") { Description = "also time forward passes / training steps and peak memory of the networks (presets that run here: tiny, small)" };
        var repeats = new Option<int>("--repeats") { Description = "timed repetitions per measurement (median reported)", DefaultValueFactory = _ => 3 };
        var videos = new Option<int>("--videos") { Description = "with --measure: videos sampled at once (the sampler batches them and the CFG pair)", DefaultValueFactory = _ => 1 };
        var command = new Command("efficiency", "FLOPs (and with --measure: time, peak memory) of CMD vs the cubic baseline, as in Figures 1, 5, 6")
            { compare, preset, frames, measure, repeats, videos };
        command.SetAction(result =>
        {
            var methods = result.GetValue(compare)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(m => m.ToLowerInvariant()).ToHashSet();
            var unknown = methods.Except(["cmd", "cubic"]).ToList();
            if (unknown.Count > 0) throw new ArgumentException($"--compare: unknown method(s) {string.Join(", ", unknown)} (known: cmd, cubic)");
            var setting = EfficiencySetting.Preset(result.GetValue(preset)!);
            if (result.GetValue(frames) is int f)
            {
                if (f < 2) throw new ArgumentException($"--frames must be >= 2 (got {f})");
                setting = setting.WithFrames(f);
            }
            var report = new EfficiencyReport(setting);
            Console.Write(report.Format(methods));
            if (result.GetValue(measure))
                Console.Write(EfficiencyMeasurement.Run(setting, GlobalOptions.ResolveDevice(result), result.GetValue(repeats), result.GetValue(videos)).Format());
            return 0;
        });
        return command;
    }
}
