using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Training;

/// <summary>The workbench's Adam/AdamW (whose state a checkpoint holds) against TorchSharp's.</summary>
public class AdamOptimizerTests
{
    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.1, false)]
    [InlineData(0.1, true)]
    public void AdamMatchesTorchSharpsAdamAndAdamW(double weightDecay, bool decoupled)
    {
        manual_seed(3);
        var a = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 2));
        var b = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 2));
        b.load_state_dict(a.state_dict());
        var ours = new AdamOptimizer(a.named_parameters(), 1e-2, 0.5, 0.9, 1e-8, weightDecay, decoupled);
        TorchSharp.Modules.OptimizerHelper reference = decoupled
            ? optim.AdamW(b.parameters(), 1e-2, 0.5, 0.9, 1e-8, weightDecay)
            : optim.Adam(b.parameters(), 1e-2, 0.5, 0.9, 1e-8, weightDecay);
        var x = randn(16, 5); var y = randn(16, 2);
        for (int i = 0; i < 5; i++)
        {
            ours.ZeroGrad(); nn.functional.mse_loss(a.call(x), y).backward(); ours.Step();
            reference.zero_grad(); nn.functional.mse_loss(b.call(x), y).backward(); reference.step();
        }
        foreach (var (name, p) in a.named_parameters())
            Assert.True(p.sub(b.get_parameter(name)!).abs().max().item<float>() < 1e-6f, name);
        Assert.Equal(5, ours.States[0].Step);
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.1, false)]
    [InlineData(0.1, true)]
    public void FusedKernelGivesTheUpdateOfTheSeparateOpsAlsoAtDifferentStepCounts(double weightDecay, bool decoupled)
    {
        Assert.True(FusedAdam.Kernel is not null, FusedAdam.Problem);
        manual_seed(5);
        var nets = Enumerable.Range(0, 2).Select(_ => (a: nn.Linear(6, 4), b: nn.Linear(6, 3))).ToArray();
        nets[1].a.load_state_dict(nets[0].a.state_dict()); nets[1].b.load_state_dict(nets[0].b.state_dict());
        var opts = nets.Select(n => new AdamOptimizer(n.a.named_parameters().Select(p => ("a." + p.name, p.parameter))
            .Concat(n.b.named_parameters().Select(p => ("b." + p.name, p.parameter))), 1e-2, 0.8, 0.95, 1e-8, weightDecay, decoupled)).ToArray();
        var x = randn(8, 6);
        for (int i = 0; i < 4; i++)
            for (int k = 0; k < 2; k++)
            {
                opts[k].ZeroGrad();
                var loss = nets[k].a.call(x).pow(2).mean();
                if (i % 2 == 0) loss = loss + nets[k].b.call(x).pow(2).mean(); // b skips every other step: two step counts
                else foreach (var p in nets[k].b.parameters()) p.grad = null;   // (a parameter without a gradient is skipped)
                loss.backward();
                if (k == 0) opts[k].Step(); else opts[k].StepUnfused();
            }
        for (int j = 0; j < opts[0].States.Count; j++)
        {
            var (f, u) = (opts[0].States[j], opts[1].States[j]);
            Assert.Equal(u.Step, f.Step);
            Assert.True(f.Param.sub(u.Param).abs().max().item<float>() < 1e-6f, f.Name);
            Assert.True(f.ExpAvgSq.sub(u.ExpAvgSq).abs().max().item<float>() < 1e-7f, f.Name);
        }
        Assert.Equal(2, opts[0].States.First(s => s.Name == "b.weight").Step);
    }

    [Fact]
    public void ZeroGradDropsTheGradientsAndTheNextBackwardsAddUp()
    {
        manual_seed(4);
        var m = nn.Linear(3, 2);
        var opt = new AdamOptimizer(m.named_parameters(), 1e-2);
        var (x1, x2) = (randn(new long[] { 4, 3 }), randn(new long[] { 4, 3 }));
        m.call(x1).sum().backward();
        opt.ZeroGrad();
        Assert.All(opt.States, s => Assert.Null(s.Param.grad));
        m.call(x1).sum().backward();
        var first = m.weight!.grad!.clone();
        m.call(x2).sum().backward();                           // accumulates, as with zeroed gradients
        var expected = first + x2.sum(dim: 0, keepdim: true).expand(2, 3);
        Assert.True(m.weight!.grad!.allclose(expected, 1e-6, 1e-6));
        opt.Step();                                            // both stepped once: the bias's moments are not zero
        // a parameter without a gradient is not moved by a step (zeroed in place, its moments would move it)
        opt.ZeroGrad();
        var before = m.bias!.detach().clone();
        m.weight!.sum().backward();                            // the weight only
        opt.Step();
        Assert.True(m.bias!.detach().allclose(before, 0, 0));
        Assert.Equal(1, opt.States.Single(s => s.Name == "bias").Step);    // its one step with a gradient
    }
}
