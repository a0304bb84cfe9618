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

    public void ZeroGrad()
    {
        foreach (var s in states) s.Param.grad?.zero_();
    }

    public void Step()
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
            s.ExpAvg.mul_(Beta1).add_(grad, alpha: 1 - Beta1);
            s.ExpAvgSq.mul_(Beta2).addcmul_(grad, grad, value: 1 - Beta2);
            double bias1 = 1 - Math.Pow(Beta1, s.Step), bias2 = 1 - Math.Pow(Beta2, s.Step);
            var denom = s.ExpAvgSq.sqrt().div_(Math.Sqrt(bias2)).add_(Eps);
            s.Param.addcdiv_(s.ExpAvg, denom, value: -LearningRate / bias1);
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

    public void LoadStateTensors(IReadOnlyDictionary<string, Tensor> tensors, string source, string prefix = "optimizer.")
    {
        using var _ = no_grad();
        foreach (var s in states)
        {
            Tensor Get(string key) => tensors.TryGetValue(prefix + s.Name + key, out var t) ? t
                : throw new InvalidDataException($"{source}: optimizer state '{prefix}{s.Name}{key}' is missing (checkpoint of another model?)");
            var avg = Get(".exp_avg");
            if (!avg.shape.SequenceEqual(s.Param.shape))
                throw new InvalidDataException($"{source}: optimizer state '{prefix}{s.Name}.exp_avg' is [{string.Join(", ", avg.shape)}], parameter is [{string.Join(", ", s.Param.shape)}]");
            s.ExpAvg.copy_(avg);
            s.ExpAvgSq.copy_(Get(".exp_avg_sq"));
            s.Step = (long)Get(".step").item<float>();
        }
    }

    public void Dispose()
    {
        foreach (var s in states) { s.ExpAvg.Dispose(); s.ExpAvgSq.Dispose(); }
    }
}
