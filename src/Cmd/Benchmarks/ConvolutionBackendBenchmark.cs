using System.Diagnostics;
using Cmd.Models.Denoisers;
using Cmd.Presets;
using Cmd.Runtime;
using Cmd.Training;

namespace Cmd.Benchmarks;

/// <summary>
/// What <see cref="ConvolutionCheck"/> costs where it turns oneDNN off: the training steps of the shipped small models
/// and DiT-S/2 with libtorch's convolutions in oneDNN and in libtorch's own kernels, alternating step by step in one run
/// (so both see the same machine), and the convolution gradients' relative error in each.
/// </summary>
public static class ConvolutionBackendBenchmark
{
    public sealed record Row(string Step, StepTiming OneDnn, StepTiming Own)
    {
        /// <summary>Median step time without oneDNN over with it.</summary>
        public double Ratio => Own.Median / OneDnn.Median;
    }

    public sealed record Result(IReadOnlyList<Row> Rows, double OneDnnError, double OwnError);

    public static Result Run(int steps, int warmup = 2)
    {
        bool before = ConvolutionCheck.OneDnnEnabled;
        try
        {
            ConvolutionCheck.UseOneDnn(true);
            double oneDnnError = ConvolutionCheck.WorstError();
            ConvolutionCheck.UseOneDnn(false);
            double ownError = ConvolutionCheck.WorstError();
            var rows = new List<Row>();
            using (var ae = AutoencoderBenchmark.Create(RunPresets.Autoencoder("small"), 4))
            {
                ae.Model.train();
                rows.Add(Alternating("small autoencoder, batch 4",
                    () => Trainer.Step(ae.Model, ae.Optimizer, () => ae.Model.Loss(ae.Batch)), steps, warmup));
            }
            using (var motion = MotionBenchmark.Create(RunPresets.Motion("small") with { HiddenSize = 128 }, 16))
                rows.Add(Alternating("motion DiT small, width 128, batch 16",
                    () => Trainer.Step(motion.Model, motion.Optimizer, motion.Loss), steps, warmup));
            using (var dit = DiTBenchmark.Create("DiT-S/2", 8))
                rows.Add(Alternating("DiT-S/2, batch 8", () => Trainer.Step(dit.Model, dit.Optimizer, dit.Loss), steps, warmup));
            return new Result(rows, oneDnnError, ownError);
        }
        finally
        {
            ConvolutionCheck.UseOneDnn(before);
        }
    }

    /// <summary>Warm-up steps in both modes, then <paramref name="steps"/> timed steps in each, the modes alternating
    /// (and which goes first alternating too).</summary>
    static Row Alternating(string name, Action step, int steps, int warmup)
    {
        for (int i = 0; i < warmup; i++)
            foreach (bool on in new[] { true, false }) { ConvolutionCheck.UseOneDnn(on); step(); }
        var times = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        for (int i = 0; i < steps; i++)
            foreach (bool on in i % 2 == 0 ? new[] { true, false } : new[] { false, true })
            {
                ConvolutionCheck.UseOneDnn(on);
                var clock = Stopwatch.StartNew();
                step();
                times[on].Add(clock.Elapsed.TotalSeconds);
            }
        return new Row(name, new StepTiming("oneDNN", [.. times[true]]), new StepTiming("libtorch's own", [.. times[false]]));
    }
}
