using Cmd.Diffusion;
using Cmd.IO;
using Cmd.Models.Denoisers;
using Cmd.Tests.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Cmd.Tests.Diffusion;

/// <summary>Gaussian diffusion against DiT's official `diffusion/` (fixtures from tests/fixtures/dit/make_fixtures.py).</summary>
public class GaussianDiffusionTests(ITestOutputHelper output)
{
    static DiT LoadTiny()
    {
        var model = new DiT(DiTConfig.Tiny);
        ModuleState.Load(model, Fixtures.Path("dit/dit_tiny.safetensors"));
        model.eval();
        return model;
    }

    void Check(string what, Tensor actual, Tensor expected, double maxRel)
    {
        var (abs, rel) = TensorFixtures.Diff(actual, expected);
        output.WriteLine($"{what}: max abs {abs:E2}, rel {rel:E2}");
        Assert.True(rel <= maxRel, $"{what}: relative error {rel:E2} > {maxRel:E0}");
    }

    [Fact]
    public void TrainingLossMatchesOfficialHybridLoss()
    {
        using var model = LoadTiny();
        var io = TensorFixtures.Load("dit/diffusion_io.safetensors");
        var diffusion = GaussianDiffusion.Create();
        using var _ = no_grad();
        var y = io["y"];
        var terms = diffusion.TrainingLosses((x, t) => model.call(x, t, y), io["x0"], io["t"], io["noise"]);
        Check("mse", terms.Mse, io["mse"], 1e-5);
        Check("vb", terms.Vb!, io["vb"], 1e-4);
        Check("loss", terms.Loss, io["loss"], 1e-5);
    }

    [Fact]
    public void PMeanVarianceMatchesOfficialLearnedRange()
    {
        using var model = LoadTiny();
        var io = TensorFixtures.Load("dit/diffusion_io.safetensors");
        using var _ = no_grad();
        var y = io["y"];
        var o = GaussianDiffusion.Create().PMeanVariance((x, t) => model.call(x, t, y), io["noise"], io["t"]);
        Check("mean", o.Mean, io["pmv_mean"], 1e-5);
        Check("log_variance", o.LogVariance, io["pmv_log_variance"], 1e-5);
        Check("pred_xstart", o.PredXStart, io["pmv_pred_xstart"], 1e-5);

        var d10 = GaussianDiffusion.Create("10");
        var y10 = tensor(new long[] { 1, 2 });
        var o10 = d10.PMeanVariance((x, t) => model.call(x, t, y10), io["pmv10_x"], tensor(new long[] { 9, 3 }));
        Check("respaced mean", o10.Mean, io["pmv10_mean"], 1e-5);
        Check("respaced log_variance", o10.LogVariance, io["pmv10_log_variance"], 1e-5);
        Assert.Equal(io["timestep_map10"].data<long>().Select(v => (int)v), d10.TimestepMap);
    }

    [Fact]
    public void DdimTrajectoryWithCfgMatchesOfficial()
    {
        using var model = LoadTiny();
        var io = TensorFixtures.Load("dit/diffusion_io.safetensors");
        var y = io["ddim_y"];
        var expected = io["ddim_traj"];
        var d10 = GaussianDiffusion.Create("10");
        int k = 0;
        double worst = 0;
        d10.DdimSampleLoop((x, t) => model.ForwardWithCfg(x, t, y, 4.0), io["ddim_noise"], onStep: (i, o) =>
        {
            var (abs, rel) = TensorFixtures.Diff(o.Sample, expected[k++]);
            worst = Math.Max(worst, rel);
        });
        Assert.Equal(10, k);
        output.WriteLine($"DDIM 10-step CFG trajectory: worst relative error {worst:E2}");
        Assert.True(worst <= 1e-5, $"DDIM trajectory relative error {worst:E2}");
    }

    [Fact]
    public void LinearScheduleAndForwardProcess()
    {
        var betas = BetaSchedule.Named("linear", 1000);
        Assert.Equal(1e-4, betas[0], 12);
        Assert.Equal(0.02, betas[999], 12);
        var d = GaussianDiffusion.Create();
        manual_seed(0);
        var x0 = randn(2000, 1);
        var noise = randn(2000, 1);
        var xT = d.QSample(x0, full(2000, 999, dtype: int64), noise);
        // abar_999 ~ 4e-5: x_T is almost exactly the noise.
        Assert.True((xT - noise).abs().max().item<float>() < 0.05f);
        var t = d.SampleTimesteps(10000);
        Assert.InRange(t.min().item<long>(), 0, 20);
        Assert.InRange(t.max().item<long>(), 980, 999);
    }

    [Fact]
    public void DdpmSamplerRunsAndRespectsShapes()
    {
        using var model = LoadTiny();
        var y = tensor(new long[] { 1, 2 });
        manual_seed(1);
        var d = GaussianDiffusion.Create("5");
        var s = d.PSampleLoop((x, t) => model.call(x, t, y), randn(2, 4, 8, 8));
        Assert.Equal(new long[] { 2, 4, 8, 8 }, s.shape);
        Assert.False(s.isnan().any().item<bool>());
        Assert.Throws<ArgumentException>(() => d.PMeanVarianceFromOutput(zeros(2, 4, 8, 8), zeros(2, 4, 8, 8), tensor(new long[] { 1, 1 })));
    }
}
