using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>Exponential moving average of a model's parameters (DiT `update_ema`, decay 0.999 as in Tables 6-7).</summary>
public sealed class Ema : IDisposable
{
    /// <summary>Tables 6-7: EMA decay 0.999 for both diffusion models.</summary>
    public const double PaperDecay = 0.999;

    public double Decay { get; }
    readonly List<(Tensor Shadow, Tensor Source)> pairs = [];
    // held for the EMA's life: an implicit Scalar made per call can be finalized while libtorch reads it (NoGcRegion),
    // and Update runs after the training step's no-GC region
    readonly TorchSharp.Scalar decay, rest;
    public nn.Module Model { get; }

    /// <param name="shadow">A second instance of the same architecture; it becomes the EMA copy (starts equal to the model).</param>
    public Ema(nn.Module model, nn.Module shadow, double decay = PaperDecay)
    {
        Decay = decay;
        this.decay = decay;
        rest = 1 - decay;
        Model = shadow;
        var src = model.state_dict();
        using var _ = no_grad();
        foreach (var (name, t) in shadow.state_dict())
        {
            t.copy_(src[name]);
            pairs.Add((t, src[name]));
        }
        shadow.eval();
        foreach (var p in shadow.parameters()) p.requires_grad = false;
    }

    public void Update()
    {
        using var _ = no_grad();
        foreach (var (shadow, source) in pairs)
            if (shadow.is_floating_point()) shadow.mul_(decay).add_(source, alpha: rest);
            else shadow.copy_(source);
    }

    public void Dispose()
    {
        Model.Dispose();
        decay.Dispose();
        rest.Dispose();
    }
}
