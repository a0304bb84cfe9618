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
        // [a, g] = fc1(x) as two products on halves of fc1's weight: a and g come out contiguous and the backward
        // needs no concatenation of their gradients (one chunk of fc1's output cost a full-size copy per block).
        long half = fc1.weight!.shape[0] / 2;
        var a = nn.functional.linear(x, fc1.weight.narrow(0, 0, half), fc1.bias!.narrow(0, 0, half));
        var g = nn.functional.linear(x, fc1.weight.narrow(0, half, half), fc1.bias.narrow(0, half, half));
        return fc2.call(a * nn.functional.gelu(g));
    }
}
