using System.CommandLine;

namespace Workbench.Cli.Commands;

/// <summary>The learning-rate schedule's options (TrainingOptions.WarmupSteps, DecayStart), one text for every trainer.</summary>
static class ScheduleOptions
{
    public static Option<long> Warmup() => new("--warmup")
    {
        Description = "Linear learning-rate warm-up steps (0 = none, the paper)", DefaultValueFactory = _ => 0,
    };

    public static Option<long> DecayStart() => new("--decay-start")
    {
        Description = "Cosine learning-rate decay from this step to 0 at --steps (0 = none, the paper)", DefaultValueFactory = _ => 0,
    };
}
