using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>
/// Adam / AdamW over a module's named parameters (the update of torch.optim.Adam / AdamW), with its state
/// (exp_avg, exp_avg_sq, step per parameter) open for checkpoints under PyTorch's names.
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    public sealed class ParamState(string name, Tensor param)
    {
        public string Name { get; } = name;
        public Tensor Param { get; } = param;
        public Tensor ExpAvg { get; } = zeros_like(param).DetachFromDisposeScope();
        public Tensor ExpAvgSq { get; } = zeros_like(param).DetachFromDisposeScope();
        public long Step { get; set; }

        Tensor? oneMinusBeta1;

        /// <summary>1 - beta1 as a scalar tensor beside the parameter (TorchSharp's lerp_ takes a tensor weight).</summary>
        internal Tensor OneMinusBeta1(double beta1) => oneMinusBeta1 ??=
            full(Array.Empty<long>(), 1 - beta1, dtype: Param.dtype, device: Param.device).DetachFromDisposeScope();

        internal void Dispose() { ExpAvg.Dispose(); ExpAvgSq.Dispose(); oneMinusBeta1?.Dispose(); }
    }

    readonly List<ParamState> states;
    public double LearningRate { get; set; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public double WeightDecay { get; }
    public bool Decoupled { get; }
    public IReadOnlyList<ParamState> States => states;

    public AdamOptimizer(IEnumerable<(string name, TorchSharp.Modules.Parameter param)> parameters, double lr, double beta1 = 0.9,
        double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool decoupled = false)
    {
        states = parameters.Where(p => p.param.requires_grad).Select(p => new ParamState(p.name, p.param)).ToList();
        LearningRate = lr; Beta1 = beta1; Beta2 = beta2; Eps = eps; WeightDecay = weightDecay; Decoupled = decoupled;
    }

    public static AdamOptimizer For(nn.Module model, TrainingOptions o) =>
        new(model.named_parameters(), o.LearningRate, o.Beta1, o.Beta2, o.Eps, o.WeightDecay, o.DecoupledWeightDecay);

    /// <summary>
    /// Drops every gradient (PyTorch 2's zero_grad(set_to_none=True)): the next backward then assigns each gradient,
    /// with no zero fill before it and no addition into the zeros (DiT-S/2 at batch 8: 0-5% of a step, inside the
    /// rounds' spread; results/bench/in-turn.md). A parameter that gets no gradient in a step is left alone by
    /// <see cref="Step"/>, as in PyTorch 2; zeroed in place (before session 44), Adam's moments kept moving it.
    /// </summary>
    public void ZeroGrad()
    {
        foreach (var s in states) s.Param.grad = null;
    }

    /// <summary>
    /// One update of every parameter that has a gradient. libtorch's fused CPU kernel (_fused_adam_ / _fused_adamw_,
    /// PyTorch 2's Adam(fused=True), reached through TorchScript since TorchSharp does not bind it) makes one pass over
    /// each parameter's param, grad, m and v instead of six; <see cref="StepUnfused"/> where TorchScript is missing.
    /// </summary>
    public void Step()
    {
        if (FusedAdam.Kernel is { } kernel) StepFused(kernel);
        else StepUnfused();
    }

    void StepFused(TorchSharp.torch.jit.CompilationUnit kernel)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        // the kernel reads each parameter's step count from a float32 scalar on the parameter's device (CUDA's fused
        // kernel wants it there too); parameters at the same count and device share one
        foreach (var group in states.Where(s => s.Param.grad is not null).GroupBy(s => (Step: ++s.Step, s.Param.device.ToString())))
        {
            var g = group.ToList();
            var step = full(Array.Empty<long>(), (float)group.Key.Step, dtype: float32, device: g[0].Param.device);
            kernel.invoke(Decoupled ? "adamw" : "adam", g.Select(s => s.Param).ToArray(), g.Select(s => s.Param.grad!).ToArray(),
                g.Select(s => s.ExpAvg).ToArray(), g.Select(s => s.ExpAvgSq).ToArray(), g.Select(_ => step).ToArray(),
                LearningRate, Beta1, Beta2, WeightDecay, Eps);
        }
    }

    /// <summary>The same update as separate tensor ops (six passes over each parameter's memory).</summary>
    public void StepUnfused()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        foreach (var s in states)
        {
            var grad = s.Param.grad;
            if (grad is null) continue;
            s.Step++;
            if (WeightDecay != 0)
            {
                if (Decoupled) s.Param.mul_(1 - LearningRate * WeightDecay);        // AdamW
                else grad = grad.add(s.Param, alpha: WeightDecay);                  // Adam: L2 term in the gradient
            }
            // six passes over the parameter's memory, not eight: m by lerp (PyTorch 2's form of b1 m + (1 - b1) g), and v's
            // bias correction folded into scalars: lr/c1 m / (sqrt(v)/sqrt(c2) + eps) = lr sqrt(c2)/c1 m / (sqrt(v) + eps sqrt(c2))
            s.ExpAvg.lerp_(grad, s.OneMinusBeta1(Beta1));
            s.ExpAvgSq.mul_(Beta2).addcmul_(grad, grad, value: 1 - Beta2);
            double bias1 = 1 - Math.Pow(Beta1, s.Step), bias2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, s.Step));
            var denom = s.ExpAvgSq.sqrt().add_(Eps * bias2Sqrt);
            s.Param.addcdiv_(s.ExpAvg, denom, value: -LearningRate * bias2Sqrt / bias1);
        }
    }

    /// <summary>State tensors under "{prefix}{param}.exp_avg|exp_avg_sq|step" (step as a float32 scalar, as PyTorch keeps it).</summary>
    public Dictionary<string, Tensor> StateTensors(string prefix = "optimizer.")
    {
        var d = new Dictionary<string, Tensor>();
        foreach (var s in states)
        {
            d[$"{prefix}{s.Name}.exp_avg"] = s.ExpAvg;
            d[$"{prefix}{s.Name}.exp_avg_sq"] = s.ExpAvgSq;
            d[$"{prefix}{s.Name}.step"] = tensor((float)s.Step);
        }
        return d;
    }

    /// <summary>
    /// Every problem of a stored optimizer state for this optimizer's parameters: a missing or unexpected key, exp_avg or
    /// exp_avg_sq whose dtype or shape is not the parameter's (a scalar is not broadcast), a non-finite moment or negative
    /// exp_avg_sq, a step that is not a float32 scalar holding a whole number >= 0. Empty when it fits.
    /// </summary>
    public List<string> StateProblems(IReadOnlyDictionary<string, Tensor> tensors, string prefix = "optimizer.")
    {
        using var scope = NewDisposeScope();
        var problems = new List<string>();
        var expected = new HashSet<string>();
        foreach (var s in states)
        {
            string key = prefix + s.Name;
            expected.UnionWith([key + ".exp_avg", key + ".exp_avg_sq", key + ".step"]);
            foreach (var moment in new[] { ".exp_avg", ".exp_avg_sq" })
            {
                if (!tensors.TryGetValue(key + moment, out var t)) { problems.Add($"'{key}{moment}' is missing"); continue; }
                if (t.dtype != s.Param.dtype || !t.shape.SequenceEqual(s.Param.shape))
                    problems.Add($"'{key}{moment}' is {t.dtype} [{string.Join(", ", t.shape)}], the parameter {s.Param.dtype} [{string.Join(", ", s.Param.shape)}]");
                else if (!t.isfinite().all().item<bool>()) problems.Add($"'{key}{moment}' holds non-finite values");
                else if (moment == ".exp_avg_sq" && t.numel() > 0 && t.min().item<float>() < 0) problems.Add($"'{key}{moment}' holds negative values");
            }
            if (!tensors.TryGetValue(key + ".step", out var step)) problems.Add($"'{key}.step' is missing");
            else if (step.dtype != ScalarType.Float32 || step.shape.Length != 0) problems.Add($"'{key}.step' is {step.dtype} [{string.Join(", ", step.shape)}], a float32 scalar is expected");
            else if (step.item<float>() is var v && !(v >= 0 && v == Math.Floor(v) && v < 1 << 24)) problems.Add($"'{key}.step' is {v}, not a whole number of steps");
        }
        problems.AddRange(tensors.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !expected.Contains(k)).Order(StringComparer.Ordinal)
            .Select(k => $"'{k}' belongs to no parameter of this model"));
        return problems;
    }

    /// <summary>Restores the state after checking all of it (<see cref="StateProblems"/>): on any problem nothing is changed.</summary>
    public void LoadStateTensors(IReadOnlyDictionary<string, Tensor> tensors, string source, string prefix = "optimizer.")
    {
        var problems = StateProblems(tensors, prefix);
        if (problems.Count > 0) throw new CheckpointException(source, "optimizer state does not fit: " + Few(problems));
        CopyStateTensors(tensors, prefix);
    }

    /// <summary>Copies a state already checked with <see cref="StateProblems"/>.</summary>
    public void CopyStateTensors(IReadOnlyDictionary<string, Tensor> tensors, string prefix = "optimizer.")
    {
        using var _ = no_grad();
        foreach (var s in states)
        {
            s.ExpAvg.copy_(tensors[prefix + s.Name + ".exp_avg"]);
            s.ExpAvgSq.copy_(tensors[prefix + s.Name + ".exp_avg_sq"]);
            s.Step = (long)tensors[prefix + s.Name + ".step"].item<float>();
        }
    }

    internal static string Few(IReadOnlyList<string> problems, int shown = 4) =>
        string.Join("; ", problems.Take(shown)) + (problems.Count > shown ? $"; ... ({problems.Count - shown} more)" : "");

    public void Dispose()
    {
        foreach (var s in states) s.Dispose();
    }
}
