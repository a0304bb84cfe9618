using Cmd.Diffusion;
using Cmd.Evaluation;
using static TorchSharp.torch;

namespace Cmd.Tests.Evaluation;

public class DenoisingErrorTests
{
    [Fact]
    public void OracleScoresZeroAndAZeroPredictorScoresTheNoiseVariance()
    {
        manual_seed(0);
        var x0 = rand(40, 2, 8, 8) * 2 - 1;
        var diffusion = GaussianDiffusion.Create();
        int[] ts = [10, 500, 999];
        // knows x0, so recovers the noise exactly from x_t
        var oracle = DenoisingError.ByTimestep((xt, t, idx) => diffusion.PredictEpsFromXStart(xt, t, x0.index_select(0, idx)), x0, ts, batchSize: 16);
        Assert.All(oracle.Eps, e => Assert.True(e < 1e-4, $"oracle error {e}"));
        Assert.All(oracle.XStart, e => Assert.True(e < 1e-4, $"oracle x_0 error {e}"));
        var zero = DenoisingError.ByTimestep((xt, t, idx) => zeros_like(xt), x0, ts, batchSize: 16);
        Assert.All(zero.Eps, e => Assert.InRange(e, 0.9, 1.1));   // E[eps^2] = 1
        // seeded: the same noise for every model scored
        Assert.Equal(zero.Eps, DenoisingError.ByTimestep((xt, t, idx) => zeros_like(xt), x0, ts, batchSize: 16).Eps);
        // eps = 0 means x̂_0 = x_t / sqrt(alpha_bar): right at t = 10, far off at t = 999 (clipping bounds it by 4 per value)
        Assert.True(zero.XStart[0] < 0.01 && zero.XStart[2] > 100, string.Join(", ", zero.XStart));
        var clipped = DenoisingError.ByTimestep((xt, t, idx) => zeros_like(xt), x0, ts, batchSize: 16, clipDenoised: true);
        Assert.InRange(clipped.XStart[2], 0.5, 4.0);
        Assert.InRange(DenoisingError.ConstantXStart(x0), 1 / 3.0 - 0.03, 1 / 3.0 + 0.03);   // U(-1, 1) has variance 1/3
        Assert.Contains("timesteps must be in [0, 999]", Assert.Throws<ArgumentException>(() => DenoisingError.ByTimestep((xt, t, idx) => xt, x0, [1000])).Message);
    }

    [Fact]
    public void WithTheNullClassEveryLabelIsTheClassDropoutsNullLabelOnTheSameNoise()
    {
        manual_seed(2);
        using var pairs = Cmd.Tests.Pipeline.PipelineFixtures.TinyPairs(8);
        using var model = new Cmd.Models.Denoisers.DiT(Cmd.Models.Denoisers.DiTConfig.Tiny with { InputSize = 32, PatchSize = 8, InChannels = 1 });
        model.eval();
        using (no_grad()) foreach (var p in model.parameters()) p.normal_(0, 0.05); // DiT zero-initialises its outputs
        Assert.True(DenoisingError.HasNullClass(model));
        int[] ts = [300, 700];
        var d = Cmd.Training.DiffusionTraining.ContentDiffusion(model.Config);
        var byNull = DenoisingError.ByTimestep((x, t, idx) => model.call(x, t, full(idx.shape[0], 10L, dtype: int64)), pairs.Content, ts,
            diffusion: d, clipDenoised: true);
        var nullClass = DenoisingError.Content(model, pairs, ts, nullClass: true);
        Assert.Equal(byNull.Eps, nullClass.Eps);
        Assert.Equal(byNull.XStart, nullClass.XStart);
        Assert.NotEqual(DenoisingError.Content(model, pairs, ts).Eps, nullClass.Eps); // the labels' embeddings differ from the null one
    }

    [Fact]
    public void WithAnotherContentFrameEachLatentGetsTheNextPairsFrameOnTheSameNoise()
    {
        manual_seed(3);
        using var pairs = Cmd.Tests.Pipeline.PipelineFixtures.TinyPairs(8);
        using var model = new Cmd.Models.Denoisers.MotionDiT(pairs.FitMotion(Cmd.Presets.RunPresets.Tiny.Motion));
        model.eval();
        Cmd.Tests.Models.Denoisers.DenoiserFixtures.Wake(model);
        int[] ts = [300, 700];
        using var z = pairs.Z / 2f;
        var shifted = DenoisingError.ByTimestep((x, t, idx) => model.call(x, t, pairs.Content.index_select(0, (idx + 1) % 8),
            pairs.Labels.index_select(0, idx)), z, ts);
        var other = DenoisingError.Motion(model, pairs, 2f, ts, otherContent: true);
        Assert.Equal(shifted.Eps, other.Eps);
        Assert.Equal(shifted.XStart, other.XStart);
        Assert.NotEqual(DenoisingError.Motion(model, pairs, 2f, ts).Eps, other.Eps); // the frames differ (class = position)
    }

    [Fact]
    public void The_x0_error_is_the_same_whatever_the_model_predicts()
    {
        // one oracle of x_0 stated as eps, as x_0 and as v: all three score ~0, and a noisy x_0 scores its noise
        manual_seed(1);
        var x0 = rand(24, 1, 8, 8) * 2 - 1;
        int[] ts = [10, 500, 990];
        foreach (var (prediction, d) in new[] { ("eps", GaussianDiffusion.Create()), ("x0", GaussianDiffusion.Create(predictXStart: true)),
                     ("v", GaussianDiffusion.Create(predictV: true)) })
        {
            Tensor Out(Tensor xt, Tensor t, Tensor x0hat) => d.MeanType switch
            {
                ModelMeanType.StartX => x0hat,
                ModelMeanType.Velocity => d.Velocity(x0hat, t, d.PredictEpsFromXStart(xt, t, x0hat)),
                _ => d.PredictEpsFromXStart(xt, t, x0hat),
            };
            var exact = DenoisingError.ByTimestep((xt, t, idx) => Out(xt, t, x0.index_select(0, idx)), x0, ts, 8, diffusion: d);
            Assert.All(exact.XStart, e => Assert.True(e < 1e-6, $"{prediction}: {e}"));
            var off = DenoisingError.ByTimestep((xt, t, idx) => Out(xt, t, x0.index_select(0, idx) + 0.1), x0, ts, 8, diffusion: d);
            Assert.All(off.XStart, e => Assert.InRange(e, 0.0099, 0.0101));
        }
    }
}
