// Scratch (session 44), kept as the source of the zero-grad A/B in results/bench/in-turn.md: the DiT-S/2 training
// step at batch 8 with the gradients zeroed in place (before) and dropped (set to none, PyTorch 2's default, now
// AdamOptimizer.ZeroGrad), two models of the same seed timed in turn (Cmd.Benchmarks.Interleaved). Built as a console
// project referencing src/Cmd (copy the CLI's libLibTorchSharp.so beside it); args: ROUNDS [MODEL].
using Cmd.Benchmarks;
using Cmd.Training;
using static TorchSharp.torch;

int rounds = args.Length > 0 ? int.Parse(args[0]) : 9;
string model = args.Length > 1 ? args[1] : "DiT-S/2";
var p = typeof(Tensor).GetProperty("grad")!;
Console.WriteLine($"grad setter: {p.SetMethod is not null}");
using var a = DiTBenchmark.Create(model, 8);
using var b = DiTBenchmark.Create(model, 8);
double StepWith(DiTBenchmark.Setup s, bool none)
{
    using var scope = NewDisposeScope();
    if (none) foreach (var st in s.Optimizer.States) st.Param.grad = null;
    else foreach (var st in s.Optimizer.States) st.Param.grad?.zero_();    // ZeroGrad before session 44
    var l = s.Loss();
    double v = l.item<float>();
    l.backward();
    s.Optimizer.Step();
    return v;
}
for (int i = 0; i < 2; i++) { StepWith(a, false); StepWith(b, true); }
var t = Interleaved.Run([Interleaved.Side.Local("zero_", () => StepWith(a, false)),
    Interleaved.Side.Local("none", () => StepWith(b, true))], rounds);
foreach (var x in t) Console.WriteLine($"{x.Name}: {x.Describe()}");
var r = Interleaved.Ratio.Of(t[1], t[0]);
Console.WriteLine($"none / zero_ = {r.Median:F3} ({r.Detail})");
