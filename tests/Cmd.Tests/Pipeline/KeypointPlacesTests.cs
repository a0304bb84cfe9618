using Cmd.Models.Autoencoder;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Tests.Evaluation;
using static TorchSharp.torch;

namespace Cmd.Tests.Pipeline;

/// <summary>Places read off x̄ by the autoencoder (a still clip of it) and put in drawn keypoint z.</summary>
public class KeypointPlacesTests
{
    static readonly AutoencoderConfig Config = KeypointTrajectoriesTests.Config;

    static CmdAutoencoder Autoencoder()
    {
        manual_seed(5);
        var ae = new CmdAutoencoder(Config);
        ae.eval();
        return ae;
    }

    static Tensor ContentFrames() => rand(2, Config.Channels, Config.Height, Config.Width) * 2 - 1;

    [Fact]
    public void PlacesComeFromAStillClipOfXBarAndTheDrawnShiftsAreKept()
    {
        using var ae = Autoencoder();
        using var frames = ContentFrames();
        using var places = KeypointPlaces.Read(ae, frames, MotionPlaces.Final, batchSize: 1)!;
        using var still = ae.Encode(frames.unsqueeze(1).expand(-1, Config.Frames, -1, -1, -1).contiguous()).Z;
        using var drawn = randn_like(still);
        using var z = places.Finish(drawn);
        int k = Config.WarpComponents;
        var (zx, zy) = MotionLatent.Split(z, Config.GridHeight, Config.GridWidth);
        var (dx, dy) = MotionLatent.Split(drawn, Config.GridHeight, Config.GridWidth);
        var (sx, sy) = MotionLatent.Split(still, Config.GridHeight, Config.GridWidth);
        Assert.True(zx.narrow(1, 0, k).equal(dx.narrow(1, 0, k)).all().item<bool>(), "the drawn shifts changed");
        Assert.True(zy.narrow(1, 0, k).equal(dy.narrow(1, 0, k)).all().item<bool>(), "the drawn shifts changed");
        Assert.True(zx.narrow(1, k, zx.shape[1] - k).allclose(sx.narrow(1, k, sx.shape[1] - k), 0, 1e-5));
        Assert.True(zy.narrow(1, k, zy.shape[1] - k).allclose(sy.narrow(1, k, sy.shape[1] - k), 0, 1e-5));
        Assert.True(sx.narrow(1, k, k).abs().max().item<float>() > 1e-3, "no places were read");
    }

    [Fact]
    public void PlacesInEachStepsX0SteerTheSamplerAndEndInTheResult()
    {
        using var ae = Autoencoder();
        using var sampler = new TinyMotionSampler();
        using var frames = ContentFrames();
        using var final = KeypointPlaces.Read(ae, frames, MotionPlaces.Final)!;
        using var denoised = KeypointPlaces.Read(ae, frames, MotionPlaces.Denoised)!;
        Assert.Null(final.DenoisedFn(0, 2, 2f, null));                     // final: nothing during sampling
        using var plain = sampler.Draw(null);
        using var afterwards = final.Finish(plain);
        using var steered = sampler.Draw(denoised.DenoisedFn(0, 2, 2f, null));       // z_scale 2: x_0 is z / 2
        using var finished = denoised.Finish(steered);
        Assert.True(finished.allclose(steered, 0, 1e-4), "the last x_0 lacks the places");
        Assert.True((steered - afterwards).abs().max().item<float>() > 1e-3, "the steps ignored the places");
    }

    [Fact]
    public void GivenPlacesAreInEveryModelInputInEachX0AndInTheResult()
    {
        using var ae = Autoencoder();
        using var sampler = new TinyMotionSampler();
        using var frames = ContentFrames();
        using var given = KeypointPlaces.Read(ae, frames, MotionPlaces.Given)!;
        var input = given.InputFn(0, 2, 2f)!;                                  // z_scale 2: x_t is z / 2
        using var x = randn(2, Config.LatentChannels, Config.Frames, Config.GridHeight + Config.GridWidth);
        using var placed = input(x);
        using var expected = given.Finish(x * 2);
        Assert.True((placed * 2).allclose(expected, 0, 1e-5), "the model input lacks the places");
        using var doubled = input(cat([x, x]));                                // a batch doubled for guidance
        Assert.True(doubled.allclose(cat([placed, placed]), 0, 1e-6));
        Assert.Null(KeypointPlaces.Read(ae, frames, MotionPlaces.Denoised)!.InputFn(0, 2, 2f));
        using var steered = sampler.Draw(given.DenoisedFn(0, 2, 2f, null));
        using var fed = sampler.Draw(given.DenoisedFn(0, 2, 2f, null), input);
        Assert.True((fed - steered).abs().max().item<float>() > 1e-3, "the model input ignored the places");
        using var finished = given.Finish(fed);
        Assert.True(finished.allclose(fed, 0, 1e-4), "the last x_0 lacks the places");
        using var guided = sampler.Draw(given.DenoisedFn(0, 2, 2f, null), input, cfgScale: 2);   // [cond; uncond]
        using var guidedFinished = given.Finish(guided);
        Assert.True(guidedFinished.allclose(guided, 0, 1e-4), "with guidance the last x_0 lacks the places");
    }

    [Fact]
    public void AMotionDiTTrainedWithGivenPlacesIsAlwaysGivenThemAndOthersNever()
    {
        using var sampler = new TinyMotionSampler();
        var k = Config.WarpComponents.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var given = sampler.Loaded(new() { [Cmd.Training.ModelMetadata.GivenPlacesKey] = k });
        var drawing = sampler.Loaded(new());
        Assert.Equal(MotionPlaces.Given, KeypointPlaces.For(given, MotionPlaces.Drawn, Config));
        Assert.Equal(MotionPlaces.Final, KeypointPlaces.For(drawing, MotionPlaces.Final, Config));
        Assert.Contains("always given", Assert.Throws<ArgumentException>(() =>
            KeypointPlaces.For(given, MotionPlaces.Final, Config)).Message);
        Assert.Contains("cannot be given", Assert.Throws<ArgumentException>(() =>
            KeypointPlaces.For(drawing, MotionPlaces.Given, Config)).Message);
        Assert.Contains("autoencoder", Assert.Throws<ArgumentException>(() =>
            KeypointPlaces.For(given, MotionPlaces.Drawn, Config with { WarpComponents = 1 })).Message);
        var bad = sampler.Loaded(new() { [Cmd.Training.ModelMetadata.GivenPlacesKey] = "two" });
        Assert.Contains("given_places", Assert.Throws<FormatException>(() => bad.GivenPlaces).Message);
    }

    [Fact]
    public void AnimatingWithAGivenPlacesMotionDiTReadsThePlacesOffTheContentFrames()
    {
        using var ae = Autoencoder();
        using var sampler = new TinyMotionSampler();
        using var frames = ContentFrames();
        var k = Config.WarpComponents.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var read = KeypointPlaces.Read(ae, frames, MotionPlaces.Given)!;
        manual_seed(4);
        var given = CmdSampler.Animate(ae, sampler.Loaded(new() { [Cmd.Training.ModelMetadata.GivenPlacesKey] = k }),
            frames, [1, 2], motionSteps: 3);
        using var placed = read.Finish(given.Z);
        Assert.True(given.Z.allclose(placed, 0, 1e-5), "the sampled z lacks x̄'s places");
        manual_seed(4);                                                      // the same noise, drawn places
        var drawn = CmdSampler.Animate(ae, sampler.Loaded(new()), frames, [1, 2], motionSteps: 3);
        using var drawnPlaced = read.Finish(drawn.Z);
        Assert.False(drawn.Z.allclose(drawnPlaced, 0, 1e-3), "a DiT that draws its places was given them");
        Assert.False(given.Z.allclose(drawnPlaced, 0, 1e-3), "the sampler did not give the DiT the places");
    }

    [Fact]
    public void OwnPlacesAreTheRealZsPlacesAnOracle()
    {
        using var real = randn(2, Config.LatentChannels, Config.Frames, Config.GridHeight + Config.GridWidth);
        using var own = KeypointPlaces.Own(real, Config, MotionPlaces.Given)!;
        using var drawn = randn_like(real);
        using var z = own.Finish(drawn);
        int k = Config.WarpComponents;
        Assert.True(z.narrow(1, 0, k).equal(drawn.narrow(1, 0, k)).all().item<bool>(), "the drawn shifts changed");
        Assert.True(z.narrow(1, k, z.shape[1] - k).equal(real.narrow(1, k, z.shape[1] - k)).all().item<bool>());
        Assert.Null(KeypointPlaces.Own(real, Config, MotionPlaces.Drawn));
        Assert.Contains("no places to read", Assert.Throws<ArgumentException>(() =>
            KeypointPlaces.Own(real, RunPresets.Tiny.Autoencoder, MotionPlaces.Final)).Message);
    }

    [Fact]
    public void DrawnPlacesReadNothingAndZWithoutKeypointsIsAClearError()
    {
        using var ae = Autoencoder();
        using var frames = ContentFrames();
        Assert.Null(KeypointPlaces.Read(ae, frames, MotionPlaces.Drawn));
        using var plain = new CmdAutoencoder(RunPresets.Tiny.Autoencoder);
        Assert.Contains("no places to read", Assert.Throws<ArgumentException>(() =>
            KeypointPlaces.Read(plain, frames, MotionPlaces.Final)).Message);
    }
}
