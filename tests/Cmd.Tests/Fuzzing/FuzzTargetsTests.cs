using Cmd.Fuzzing;

namespace Cmd.Tests.Fuzzing;

/// <summary>
/// A few hundred generated hostile inputs per reader, in this process: every one is read to the same result or refused
/// by the library's own error naming the file, with nothing half-loaded (issue 17). `workbench fuzz` runs the long ones.
/// </summary>
public class FuzzTargetsTests
{
    /// <summary>How long one input may take before it counts as a hang: a guard against a reader that never returns, not a
    /// speed limit (a few-KB input takes milliseconds on an idle machine; a CPU-heavy job beside the suite slows it by any factor).</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(5);

    static FuzzReport Run(string name, int count)
    {
        using var target = FuzzTargets.Create(name);
        var report = FuzzRunner.Run(target, Fixtures.TempDir("fuzz-" + name), count, seed: 5, HangGuard);
        Assert.Equal(count, report.Inputs);
        Assert.True(report.Faults == 0, string.Join("\n", report.Lines()));
        Assert.True(report[FuzzOutcome.CleanRejection] > count / 4, string.Join("\n", report.Lines())); // the inputs are hostile
        return report;
    }

    [Fact] public void SafeTensorsReader() => Run("safetensors", 400);
    [Fact] public void CheckpointResume() => Run("checkpoint", 200);
    [Fact] public void WeightsFiles() => Run("weights", 200);
    [Fact] public void WebVidCsv() => Run("webvid-csv", 400);
    [Fact] public void Ucf101Lists() => Run("ucf101-lists", 400);

    [Fact]
    public void AnInputIsTheSameWhenMadeAgainAlone()
    {
        using var target = FuzzTargets.Create("safetensors");
        target.Prepare(Fixtures.TempDir("fuzz-same"));
        var a = target.Generate(FuzzRunner.RandomFor(5, 123));
        var b = target.Generate(FuzzRunner.RandomFor(5, 123));
        Assert.Equal(a.Mutation, b.Mutation);
        Assert.Equal(a.Files.Single().Value, b.Files.Single().Value);
    }
}
