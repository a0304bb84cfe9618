using Cmd.Models.Denoisers;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Denoisers;

/// <summary>The cubic video DiT baseline (Figures 1, 5, 6): divided space-time attention.</summary>
public class CubicVideoDiTTests
{
    [Fact]
    public void CubicBaselineAttendsAcrossSpaceAndTime()
    {
        using var model = new CubicVideoDiT(RunPresets.Tiny.CubicDiT);
        DenoiserFixtures.Wake(model);
        model.eval();
        var x = randn([1, 1, 8, 32, 32]);
        var t = tensor(new long[] { 100 });
        var y = tensor(new long[] { 2 });
        using var _ = no_grad();
        var o = model.call(x, t, y);
        Assert.Equal(new long[] { 1, 2, 8, 32, 32 }, o.shape);
        var x2 = x.clone(); x2[0, 0, 0, 0, 0] += 3;   // touch frame 0, top-left patch
        var d = (model.call(x2, t, y) - o).abs();
        Assert.True(d[0, .., 5, 24.., 24..].max().item<float>() > 1e-6); // another frame, another patch
    }
}
