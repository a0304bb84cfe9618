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

    /// <summary>Pipeline.CmdSampler.SampleContent's path: DDIM, clip_denoised=True, CFG on all eps channels
    /// (fixtures from tests/fixtures/dit/make_sampling_fixtures.py; the official run clips 98% of pred_xstart values).</summary>
    [Fact]
    public void DdimWithClipDenoisedAndCfgOnAllChannelsMatchesOfficial()
    {
        using var model = LoadTiny();
        var io = TensorFixtures.Load("dit/sampling_io.safetensors");
        var y = io["ddim_clip_y"];
        int k = 0;
        double worstSample = 0, worstPred = 0, oursTo64 = 0, officialTo64 = 0;
        GaussianDiffusion.Create("10").DdimSampleLoop((x, t) => model.ForwardWithCfg(x, t, y, 4.0, guidedChannels: 4),
            io["ddim_clip_noise"], clipDenoised: true, onStep: (i, o) =>
            {
                worstSample = Math.Max(worstSample, TensorFixtures.Diff(o.Sample, io["ddim_clip_traj"][k]).Rel);
                worstPred = Math.Max(worstPred, TensorFixtures.Diff(o.PredXStart, io["ddim_clip_pred"][k]).Rel);
                oursTo64 = Math.Max(oursTo64, TensorFixtures.Diff(o.Sample, io["ddim_clip_traj64"][k]).Rel);
                officialTo64 = Math.Max(officialTo64, TensorFixtures.Diff(io["ddim_clip_traj"][k], io["ddim_clip_traj64"][k]).Rel);
                k++;
            });
        Assert.Equal(10, k);
        output.WriteLine($"DDIM clip_denoised CFG: worst relative error sample {worstSample:E2}, pred_xstart {worstPred:E2}; " +
                         $"from the float64 run: ours {oursTo64:E2}, official float32 {officialTo64:E2}");
        // Before clipping, pred_xstart = x_t / sqrt(abar_t) - ... is ~160x the model's eps at t = 999: float32 rounding moves
        // this trajectory by 2.4e-5 (official code, float32 vs float64). Ours must stay within a few times that of the float64
        // run and of the official float32 run; a missing or wrong clip is off by O(1).
        Assert.True(oursTo64 <= 5 * officialTo64, $"ours {oursTo64:E2} from the float64 run, official float32 {officialTo64:E2}");
        Assert.True(worstSample <= 2e-4 && worstPred <= 2e-4, $"sample {worstSample:E2}, pred_xstart {worstPred:E2}");
    }

    /// <summary>Ancestral sampling, learned-range variance, clip_denoised=True, each step handed the official run's noise.</summary>
    [Fact]
    public void DdpmWithFixedNoiseSequenceMatchesOfficial()
    {
        using var model = LoadTiny();
        var io = TensorFixtures.Load("dit/sampling_io.safetensors");
        var y = io["ddpm_y"];
        var worst = DdpmTrajectory(GaussianDiffusion.Create("5"), (x, t) => model.call(x, t, y), io["ddpm_x"], io["ddpm_noises"],
            io["ddpm_traj"], clipDenoised: true);
        output.WriteLine($"DDPM 5 steps, fixed noise: worst relative error {worst:E2}");
        Assert.True(worst <= 1e-5, $"DDPM trajectory relative error {worst:E2}");
    }

    [Theory]
    [InlineData("small")]
    [InlineData("large")]
    public void FixedVariancesMatchOfficial(string kind)
    {
        using var model = LoadTiny();
        var io = TensorFixtures.Load("dit/sampling_io.safetensors");
        var y = io["fixed_y"];
        var d = GaussianDiffusion.Create("10", learnSigma: false, sigmaSmall: kind == "small");
        Assert.Equal(kind == "small" ? ModelVarType.FixedSmall : ModelVarType.FixedLarge, d.VarType);
        DenoiseFn eps = (x, t) => model.call(x, t, y)[.., ..4];
        using (no_grad())
        {
            var o = d.PMeanVariance(eps, io["fixed_x"], io["fixed_t"]);
            Check($"fixed {kind} mean", o.Mean, io[$"fixed_{kind}_mean"], 1e-5);
            var expectedLogVar = io[$"fixed_{kind}_log_variance"]; // official: broadcast to x's shape; ours [N, 1, 1, 1]
            Check($"fixed {kind} log_variance", o.LogVariance.expand(expectedLogVar.shape), expectedLogVar, 1e-6);
        }
        var worst = DdpmTrajectory(d, eps, io["fixed_x"], io["fixed_noises"], io[$"fixed_{kind}_traj"], clipDenoised: false);
        output.WriteLine($"DDPM 10 steps, fixed {kind} variance: worst relative error {worst:E2}");
        Assert.True(worst <= 1e-5, $"fixed {kind} trajectory relative error {worst:E2}");
    }

    [Fact]
    public void KlLossesMatchOfficial()
    {
        using var model = LoadTiny();
        var io = TensorFixtures.Load("dit/sampling_io.safetensors");
        var y = io["kl_y"];
        using var _ = no_grad();
        var kl = new GaussianDiffusion(BetaSchedule.Named("linear", 1000), lossType: LossType.Kl);
        Check("KL loss", kl.TrainingLosses((x, t) => model.call(x, t, y), io["kl_x0"], io["kl_t"], io["kl_noise"]).Loss, io["kl_loss"], 1e-4);
        var rkl = GaussianDiffusion.Create("100", useKl: true);
        Assert.Equal(LossType.RescaledKl, rkl.LossType);
        Check("rescaled KL loss (100 steps)", rkl.TrainingLosses((x, t) => model.call(x, t, y), io["kl_x0"], io["rkl_t"], io["kl_noise"]).Loss,
            io["rkl_loss"], 1e-4);
    }

    /// <summary>Steps from x_T down to 0 with the given noise per step; returns the worst relative error against the trajectory.</summary>
    static double DdpmTrajectory(GaussianDiffusion d, DenoiseFn model, Tensor xT, Tensor noises, Tensor expected, bool clipDenoised)
    {
        using var _ = no_grad();
        var img = xT;
        double worst = 0;
        for (int i = d.NumTimesteps - 1, k = 0; i >= 0; i--, k++)
        {
            img = d.PSample(model, img, full(xT.shape[0], i, dtype: int64), clipDenoised, noises[k]).Sample;
            worst = Math.Max(worst, TensorFixtures.Diff(img, expected[k]).Rel);
        }
        return worst;
    }

    /// <summary>
    /// Min-SNR-gamma (Hang et al. 2023): whatever the network predicts, a sample's weighted loss is min(SNR_t, gamma)
    /// times the squared error of the x_0 its output implies; gamma 0 leaves the official loss untouched.
    /// </summary>
    [Theory]
    [InlineData(ModelMeanType.Epsilon)]
    [InlineData(ModelMeanType.StartX)]
    [InlineData(ModelMeanType.Velocity)]
    public void MinSnrWeightingMakesEveryPredictionsLossMinSnrTimesItsX0Error(ModelMeanType meanType)
    {
        const double gamma = 5;
        using var scope = NewDisposeScope();
        var weighted = GaussianDiffusion.Create(learnSigma: false, predictXStart: meanType == ModelMeanType.StartX,
            predictV: meanType == ModelMeanType.Velocity, minSnrGamma: gamma);
        var plain = GaussianDiffusion.Create(learnSigma: false, predictXStart: meanType == ModelMeanType.StartX,
            predictV: meanType == ModelMeanType.Velocity);
        var gen = new Generator(7);
        var x0 = randn([4, 2, 8, 8], generator: gen);
        var noise = randn([4, 2, 8, 8], generator: gen);
        var x0Guess = x0 + 0.3 * randn([4, 2, 8, 8], generator: gen);
        var t = tensor(new long[] { 0, 100, 400, 999 });
        var xT = weighted.QSample(x0, t, noise);
        var ab = tensor(new[] { 0, 100, 400, 999 }.Select(i => AlphaBar(i)).ToArray(), dtype: float32).reshape(4, 1, 1, 1);
        var output = meanType switch // the output that implies x0Guess
        {
            ModelMeanType.StartX => x0Guess,
            ModelMeanType.Velocity => (ab.sqrt() * xT - x0Guess) / (1 - ab).sqrt(),
            _ => (xT - ab.sqrt() * x0Guess) / (1 - ab).sqrt(),
        };
        var loss = weighted.TrainingLosses((_, _) => output, x0, t, noise).Loss;
        var snr = ab.flatten() / (1 - ab.flatten());
        var expected = snr.clamp_max(gamma) * (x0Guess - x0).pow(2).flatten(1).mean([1]);
        Check($"{meanType}: weighted loss vs min(SNR, 5) x x_0 error", loss, expected, 1e-3);
        var unweighted = plain.TrainingLosses((_, _) => output, x0, t, noise).Loss;
        Check($"{meanType}: gamma 0 is the official MSE", unweighted, (output - plain.TrainingTarget(x0, t, noise)).pow(2).flatten(1).mean([1]), 1e-6);
        Assert.Throws<ArgumentException>(() => GaussianDiffusion.Create(minSnrGamma: -1));
    }

    [Fact]
    public void InputPerturbationNoisesTheInputMoreButKeepsTheTarget()
    {
        const double gamma = 0.1;
        using var scope = NewDisposeScope();
        var perturbed = GaussianDiffusion.Create(learnSigma: false, inputPerturbation: gamma);
        var plain = GaussianDiffusion.Create(learnSigma: false);
        var gen = new Generator(11);
        var x0 = randn([3, 2, 8, 8], generator: gen);
        var noise = randn([3, 2, 8, 8], generator: gen);
        var guess = randn([3, 2, 8, 8], generator: gen);
        var t = tensor(new long[] { 5, 300, 900 });
        Tensor? seen = null;
        manual_seed(3);
        var loss = perturbed.TrainingLosses((x, _) => { seen = x.clone(); return guess; }, x0, t, noise).Loss;
        manual_seed(3);
        var xi = randn_like(noise);
        Check("the model sees x_t of eps + gamma xi", seen!, plain.QSample(x0, t, noise + gamma * xi), 1e-6);
        Assert.True((seen! - plain.QSample(x0, t, noise)).abs().max().item<float>() > 1e-3, "the input was not perturbed");
        Check("the target stays eps", loss, (guess - noise).pow(2).flatten(1).mean([1]), 1e-6);
        plain.TrainingLosses((x, _) => { seen = x.clone(); return guess; }, x0, t, noise);
        Check("gamma 0 is the official x_t", seen!, plain.QSample(x0, t, noise), 1e-7);
        Assert.Throws<ArgumentException>(() => GaussianDiffusion.Create(inputPerturbation: -0.1));
    }

    /// <summary>
    /// A known part of x_0 (channels 1.. here): the model sees it clean in x_t, and what the model outputs there counts
    /// in no loss term (MSE, the learned variance's bound, the frame-difference loss); the rest is averaged alone.
    /// </summary>
    [Fact]
    public void AKnownPartIsCleanInXtAndOutOfTheLoss()
    {
        using var scope = NewDisposeScope();
        var d = GaussianDiffusion.Create(frameDifferenceLoss: 1);                    // learned sigma: MSE + VB
        var gen = new Generator(7);
        var x0 = randn([3, 4, 6, 5], generator: gen);                                // z [N, D, L, G]
        var noise = randn([3, 4, 6, 5], generator: gen);
        var guess = randn([3, 8, 6, 5], generator: gen);                             // eps and the variance's v
        var t = tensor(new long[] { 5, 300, 900 });
        var known = tensor(new float[] { 0, 1, 1, 1 }).reshape(1, 4, 1, 1);
        Tensor? seen = null;
        var terms = d.TrainingLosses((x, _) => { seen = x.clone(); return guess; }, x0, t, noise, known);
        Check("x_t's known channels are x_0", seen!.narrow(1, 1, 3), x0.narrow(1, 1, 3), 1e-7);
        Check("x_t's other channel is q(x_t | x_0)", seen!.narrow(1, 0, 1), d.QSample(x0, t, noise).narrow(1, 0, 1),
            1e-6);
        var other = guess.clone();
        other.narrow(1, 1, 3).add_(5);                                               // eps where known
        other.narrow(1, 5, 3).add_(-3);                                              // the variance where known
        var changed = d.TrainingLosses((_, _) => other, x0, t, noise, known);
        Check("the known part's output counts in no term", changed.Loss, terms.Loss, 1e-6);
        var eps = guess.narrow(1, 0, 1) - noise.narrow(1, 0, 1);
        var steps = eps.narrow(2, 1, 5) - eps.narrow(2, 0, 5);
        Check("the MSE is the unknown channel's alone", terms.Mse,
            eps.pow(2).flatten(1).mean([1]) + steps.pow(2).flatten(1).mean([1]), 1e-5);
        var all = d.TrainingLosses((_, _) => guess, x0, t, noise);
        Assert.True((all.Loss - terms.Loss).abs().max().item<float>() > 1e-3, "the mask changed nothing");
    }

    /// <summary>
    /// The frame-difference loss adds lambda times the mean square of the eps error's differences along dim 2 (frames):
    /// an error constant over frames adds nothing, one that flips sign every frame adds 4 lambda times its square.
    /// </summary>
    [Fact]
    public void FrameDifferenceLossWeightsTheErrorsChangesBetweenFrames()
    {
        const double lambda = 2;
        using var scope = NewDisposeScope();
        var withLoss = GaussianDiffusion.Create(learnSigma: false, frameDifferenceLoss: lambda);
        var gen = new Generator(5);
        var x0 = randn([2, 3, 6, 4], generator: gen);                      // z [N, D, L, G]
        var noise = randn([2, 3, 6, 4], generator: gen);
        var t = tensor(new long[] { 10, 700 });
        Tensor Loss(Tensor error) => withLoss.TrainingLosses((_, _) => noise + error, x0, t, noise).Loss;
        var still = randn([2, 3, 1, 4], generator: gen).expand(-1, -1, 6, -1);
        Check("an error constant over frames: the plain MSE", Loss(still), still.pow(2).flatten(1).mean([1]), 1e-6);
        var flips = tensor(new float[] { 1, -1, 1, -1, 1, -1 }).reshape(1, 1, 6, 1) * 0.5f;
        Check("an error flipping every frame: (1 + 4 lambda) a^2", Loss(flips.expand(2, 3, 6, 4)),
            full(2, (float)((1 + 4 * lambda) * 0.25)), 1e-6);
        var error = randn([2, 3, 6, 4], generator: gen);
        var steps = error.narrow(2, 1, 5) - error.narrow(2, 0, 5);
        var expected = error.pow(2).flatten(1).mean([1]) + lambda * steps.pow(2).flatten(1).mean([1]);
        Check("any error: MSE + lambda x the differences' MSE", Loss(error), expected, 1e-5);
        Assert.Throws<ArgumentException>(() => GaussianDiffusion.Create(frameDifferenceLoss: -1));
        var flat = randn([2, 5], generator: gen);
        var ex = Assert.Throws<ArgumentException>(() => withLoss.TrainingLosses((x, _) => x, flat, t));
        Assert.Contains("frames on dim 2", ex.Message);
    }

    static double AlphaBar(int t)
    {
        var betas = BetaSchedule.Named("linear", 1000);
        double a = 1;
        for (int i = 0; i <= t; i++) a *= 1 - betas[i];
        return a;
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
