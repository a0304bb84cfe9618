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
        Assert.All(oracle, e => Assert.True(e < 1e-4, $"oracle error {e}"));
        var zero = DenoisingError.ByTimestep((xt, t, idx) => zeros_like(xt), x0, ts, batchSize: 16);
        Assert.All(zero, e => Assert.InRange(e, 0.9, 1.1));   // E[eps^2] = 1
        // seeded: the same noise for every model scored
        Assert.Equal(zero, DenoisingError.ByTimestep((xt, t, idx) => zeros_like(xt), x0, ts, batchSize: 16));
        Assert.Contains("timesteps must be in [0, 999]", Assert.Throws<ArgumentException>(() => DenoisingError.ByTimestep((xt, t, idx) => xt, x0, [1000])).Message);
    }
}
