using Cmd.Pipeline;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Cmd.Tests.Pipeline;

/// <summary>A tiny motion DiT with weights moved off their init (adaLN-Zero would predict eps = 0, which every
/// x_0 map commutes with) and two content frames, drawn from with a fixed seed: the sampler switches' tests.</summary>
sealed class TinyMotionSampler : IDisposable
{
    readonly Cmd.Models.Denoisers.MotionDiT model = new(RunPresets.Tiny.Motion);
    readonly Tensor content, y;

    public TinyMotionSampler()
    {
        model.eval();
        manual_seed(1);
        using (no_grad())
            foreach (var p in model.parameters()) p.add_(randn_like(p) * 0.05);
        var c = model.Config;
        content = randn(2, c.ContentChannels, c.ContentHeight, c.ContentWidth);
        y = tensor(new long[] { 1, 2 });
    }

    /// <summary>DDIM 4 steps (z_scale 2) from the same noise every time, each step's x_0 through
    /// <paramref name="denoisedFn"/>.</summary>
    public Tensor Draw(Func<Tensor, Tensor>? denoisedFn, Func<Tensor, Tensor>? given = null, double cfgScale = 1.0)
    {
        manual_seed(3);
        return CmdSampler.SampleMotion(model, content, y, 2f, 4, cfgScale, denoisedFn: denoisedFn, given: given);
    }

    /// <summary>The model as a loaded file with <paramref name="metadata"/>.</summary>
    public LoadedDiffusionModel<Cmd.Models.Denoisers.MotionDiT> Loaded(Dictionary<string, string> metadata) =>
        new(model, metadata, "tiny-motion.safetensors");

    public void Dispose() { model.Dispose(); content.Dispose(); y.Dispose(); }
}
