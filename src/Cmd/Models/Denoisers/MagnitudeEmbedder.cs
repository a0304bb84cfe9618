using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Denoisers;

/// <summary>
/// Workbench switch, in neither paper nor code: how far each z channel moves (m [N, 2D], about 1; after Stable Video
/// Diffusion's motion-bucket condition) to a vector added to the timestep's, as the class's is: a 2-layer SiLU MLP.
/// </summary>
public sealed class MagnitudeEmbedder : nn.Module<Tensor, Tensor>
{
    readonly Sequential mlp;

    public MagnitudeEmbedder(int inputs, int hiddenSize) : base(nameof(MagnitudeEmbedder))
    {
        mlp = nn.Sequential(nn.Linear(inputs, hiddenSize), nn.SiLU(), nn.Linear(hiddenSize, hiddenSize));
        RegisterComponents();
    }

    public override Tensor forward(Tensor m) => mlp.call(m);
}
