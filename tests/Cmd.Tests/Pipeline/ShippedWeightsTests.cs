using Cmd.IO;
using Cmd.Pipeline;
using static TorchSharp.torch;

namespace Cmd.Tests.Pipeline;

/// <summary>The committed data/weights/small: what `workbench sample` and `make demo` load on a fresh clone.</summary>
public class ShippedWeightsTests
{
    static readonly ShippedWeights Shipped = ShippedWeights.Small;

    static string[] Files => [Shipped.Autoencoder, Shipped.Content, Shipped.Motion];

    [Fact]
    public void TheThreeModelsShipAsFloat16WithinSixtyMegabytes()
    {
        Assert.True(Shipped.Available, $"the shipped weights are missing from {Shipped.Folder}");
        Assert.True(Files.Sum(f => new FileInfo(f).Length) <= 60L << 20, "the shipped weights exceed 60 MB together");
        foreach (var file in Files)
            Assert.All(SafeTensorsFile.Open(file).Tensors, t => Assert.Equal("F16", t.DType));
    }

    [Fact]
    public void TheyLoadAndGenerateOneVideoOfTheSmallShape()
    {
        manual_seed(0);
        var s = CmdSampler.SampleFromFiles(Shipped.Autoencoder, Shipped.Content, Shipped.Motion, [3], CPU,
            contentSteps: 2, motionSteps: 2, batchSize: 1);
        Assert.Equal([1L, 16, 1, 64, 64], s.Videos.shape);
        Assert.True(s.Videos.isfinite().all().item<bool>());
        Assert.InRange(s.Videos.abs().max().item<float>(), 0.05f, 1f);   // decoded, clamped to [-1, 1], not blank
        Assert.Equal(3L, s.Labels[0].item<long>());
        foreach (var t in new[] { s.ContentFrames, s.Z, s.Videos, s.Labels }) t.Dispose();
    }

    [Fact]
    public void TheGuidanceScaleComesFromTheSetsSamplingFileOrIsThePapers()
    {
        var set = new ShippedWeights(Fixtures.TempDir());
        Assert.Equal(4.0, set.CfgScale);                                   // no sampling.json: the paper's
        Assert.Equal(MotionAnchor.Off, set.Anchor);
        File.WriteAllText(set.Sampling, "{\"cfg_scale\": 7.5, \"why\": \"measured\"}");
        Assert.Equal(7.5, set.CfgScale);
        Assert.Equal(MotionAnchor.Off, set.Anchor);                        // no "anchor": off
        File.WriteAllText(set.Sampling, "{\"cfg_scale\": 7.5, \"anchor\": true}");
        Assert.Equal(MotionAnchor.Final, set.Anchor);                      // session 28's files: true is after sampling
        File.WriteAllText(set.Sampling, "{\"cfg_scale\": 7.5, \"anchor\": \"Denoised\"}");
        Assert.Equal(MotionAnchor.Denoised, set.Anchor);
        foreach (var bad in new[] { "\"yes\"", "1", "\"7\"" })
        {
            File.WriteAllText(set.Sampling, "{\"cfg_scale\": 7.5, \"anchor\": " + bad + "}");
            Assert.Contains("optional \"anchor\"", Assert.Throws<InvalidDataException>(() => set.Anchor).Message);
        }
        foreach (var bad in new[] { "{\"cfg\": 7}", "{\"cfg_scale\": 0.5}", "not json" })
        {
            File.WriteAllText(set.Sampling, bad);
            var e = Assert.Throws<InvalidDataException>(() => set.CfgScale);
            Assert.Contains("sampling.json: not a sampling file with a number \"cfg_scale\" >= 1", e.Message);
        }
    }

    [Fact]
    public void TheContentSamplerAndItsStepsComeFromTheSamplingFileOrAreThePapers()
    {
        var set = new ShippedWeights(Fixtures.TempDir());
        Assert.Equal((DiffusionSampler.Ddim, 50), (set.ContentSampler, set.ContentSteps));      // no file: the paper's
        File.WriteAllText(set.Sampling, "{\"cfg_scale\": 10}");
        Assert.Equal((DiffusionSampler.Ddim, 50), (set.ContentSampler, set.ContentSteps));      // not in it: the paper's
        File.WriteAllText(set.Sampling, "{\"cfg_scale\": 10, \"content_sampler\": \"ddpm\", \"content_steps\": 250}");
        Assert.Equal((DiffusionSampler.Ddpm, 250), (set.ContentSampler, set.ContentSteps));
        Assert.Equal(GuidanceInterval.Always, set.CfgInterval);
        File.WriteAllText(set.Sampling, "{\"cfg_scale\": 10, \"cfg_interval\": [100, 600]}");
        Assert.Equal(new GuidanceInterval(100, 600), set.CfgInterval);
        foreach (var (bad, read) in new (string, Func<object>)[] { ("\"content_sampler\": \"euler\"", () => set.ContentSampler),
                     ("\"content_sampler\": 1", () => set.ContentSampler), ("\"content_sampler\": \"1\"", () => set.ContentSampler), ("\"content_steps\": 0", () => set.ContentSteps),
                     ("\"content_steps\": \"many\"", () => set.ContentSteps), ("\"cfg_interval\": [600]", () => set.CfgInterval),
                     ("\"cfg_interval\": [600, 100]", () => set.CfgInterval), ("\"cfg_interval\": 5", () => set.CfgInterval) })
        {
            File.WriteAllText(set.Sampling, "{\"cfg_scale\": 10, " + bad + "}");
            Assert.Contains("\"content_sampler\" (\"ddim\" or \"ddpm\")", Assert.Throws<InvalidDataException>(read).Message);
        }
    }
}
