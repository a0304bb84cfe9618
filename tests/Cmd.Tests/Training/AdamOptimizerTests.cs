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

    [Fact]
    public void ZeroGradDropsGradientsSoAParameterWithoutOneStaysPut()
    {
        manual_seed(4);
        var a = nn.Linear(3, 2);
        var b = nn.Linear(3, 2);
        var opt = new AdamOptimizer(a.named_parameters().Select(p => ("a." + p.name, p.parameter))
            .Concat(b.named_parameters().Select(p => ("b." + p.name, p.parameter))), 1e-2);
        var x = randn(8, 3);
        opt.ZeroGrad(); (a.call(x) + b.call(x)).pow(2).mean().backward(); opt.Step();
        opt.ZeroGrad();
        Assert.All(opt.States, s => Assert.Null(s.Param.grad));
        var bBefore = b.weight!.clone();
        a.call(x).pow(2).mean().backward(); opt.Step(); // b gets no gradient: skipped, as PyTorch 2's Adam skips it
        Assert.Equal(0f, b.weight!.sub(bBefore).abs().max().item<float>());
        Assert.Equal(2, opt.States.First(s => s.Name == "a.weight").Step);
        Assert.Equal(1, opt.States.First(s => s.Name == "b.weight").Step);
    }
}
