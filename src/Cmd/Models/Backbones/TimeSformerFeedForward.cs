using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Backbones;

/// <summary>GEGLU feed-forward of the TimeSformer (as in PVDM / NVlabs CMD): fc2(a * gelu(g)) with [a, g] = fc1(x).</summary>
public sealed class TimeSformerFeedForward : nn.Module<Tensor, Tensor>
{
    readonly Linear fc1;
    readonly Linear fc2;

    public TimeSformerFeedForward(int dim, int mult) : base(nameof(TimeSformerFeedForward))
    {
        fc1 = nn.Linear(dim, dim * mult * 2);
        fc2 = nn.Linear(dim * mult, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var halves = fc1.call(x).chunk(2, -1);
        return fc2.call(halves[0] * nn.functional.gelu(halves[1]));
    }
}
