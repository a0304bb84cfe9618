using System.Text.Json;
using Cmd.Diffusion;

namespace Cmd.Tests.Diffusion;

/// <summary>Timestep respacing against DiT's official `space_timesteps` (fixture tests/fixtures/dit/spacing.json).</summary>
public class RespacingTests
{
    [Fact]
    public void RespacingMatchesOfficialSpaceTimesteps()
    {
        var expected = JsonSerializer.Deserialize<Dictionary<string, int[]>>(File.ReadAllText(Fixtures.Path("dit/spacing.json")))!;
        foreach (var (spec, steps) in expected)
            Assert.Equal(steps, Respacing.SpaceTimesteps(1000, spec).ToArray());
        Assert.Throws<ArgumentException>(() => Respacing.SpaceTimesteps(1000, "ddim1001"));
        Assert.Throws<ArgumentException>(() => Respacing.SpaceTimesteps(1000, "ten"));
    }

    [Fact]
    public void ASamplerOfOneStepIsAClearErrorNotAnIndexErrorInsideSampling()
    {
        var e = Assert.Throws<ArgumentException>(() => GaussianDiffusion.Create("1"));
        Assert.Contains("at least 2 timesteps", e.Message);
        Assert.Equal(2, GaussianDiffusion.Create("2").NumTimesteps);
    }
}
