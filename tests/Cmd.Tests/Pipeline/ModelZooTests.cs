using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Tests.Models.Denoisers;
using TorchSharp;

namespace Cmd.Tests.Pipeline;

/// <summary>The one parameter count (PyTorch's sum of numel, frozen tables included unless trainableOnly) and the zoo of named models.</summary>
[Collection(nameof(MetaDeviceCollection))]
public class ModelZooTests
{
    static long Numel(IEnumerable<TorchSharp.Modules.Parameter> ps) => ps.Sum(p => p.shape.Aggregate(1L, (a, b) => a * b));

    [Fact]
    public void CountsEveryParameterAndTrainableOnlyLeavesOutTheFrozenSinCosTables()
    {
        var tiny = RunPresets.Tiny;
        using var dit = new DiT(tiny.ContentDiT);
        using var motion = new MotionDiT(tiny.Motion);
        using var cubic = new CubicVideoDiT(tiny.CubicDiT);
        using var ae = new CmdAutoencoder(tiny.Autoencoder);
        var d = tiny.ContentDiT.HiddenSize;
        foreach (var (model, frozen) in new (torch.nn.Module, long)[]
                 {
                     (dit, (long)tiny.ContentDiT.NumPatches * d),                                                        // pos_embed
                     (motion, (long)(tiny.Motion.ZTokens + tiny.Motion.ContentTokens) * tiny.Motion.HiddenSize),        // pos_embed, key_pos_embed
                     (cubic, (long)(tiny.CubicDiT.GridH * tiny.CubicDiT.GridW + tiny.CubicDiT.Frames) * tiny.CubicDiT.HiddenSize), // spatial, temporal
                 })
        {
            Assert.Equal(Numel(model.parameters()), model.ParameterCount());
            Assert.Equal(frozen, model.ParameterCount() - model.ParameterCount(trainableOnly: true));
        }
        Assert.Equal(Numel(ae.parameters().Where(p => p.requires_grad)), ae.ParameterCount(trainableOnly: true));
        Assert.Equal(Numel(ae.parameters()), ae.ParameterCount());
    }

    [Fact]
    public void CountingByNameOnTheMetaDeviceGivesTheCountOfTheBuiltModel()
    {
        using var motion = new MotionDiT(RunPresets.Tiny.Motion);
        Assert.Equal(motion.ParameterCount(), ModelZoo.CountParameters("motion-tiny"));
        using var dit = new DiT(DiTConfig.Tiny);
        Assert.Equal(dit.ParameterCount(), ModelZoo.CountParameters("DiT-tiny"));
        Assert.Equal(TorchSharp.DeviceType.CPU, torch.empty(1).device_type); // the meta device was only borrowed
        var e = Assert.Throws<ArgumentException>(() => ModelZoo.CountParameters("motion-huge"));
        Assert.Contains("unknown model 'motion-huge'", e.Message);
        Assert.Contains("motion-tiny", e.Message);
        Assert.Contains("DiT-XL/2", e.Message);
    }
}
