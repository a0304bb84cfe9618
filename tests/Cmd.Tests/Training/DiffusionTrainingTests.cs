using Cmd.Diffusion;
using Cmd.Training;
using static TorchSharp.torch;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Reports;
using Cmd.Models.Autoencoder;
using Cmd.Presets;

namespace Cmd.Tests.Training;

/// <summary>Content/motion training through the shared Trainer (EMA, checkpoints, resume) and the sampling pipeline.</summary>
public class DiffusionTrainingTests
{
    static LatentPairs TinyPairs(int n = 16)
    {
        manual_seed(5);
        // content frames: a bright square whose position is the class; z: smooth in time
        var content = full(n, 1, 32, 32, -1f);
        var labels = arange(n, dtype: int64) % 4;
        for (int i = 0; i < n; i++) { int k = (int)labels[i].item<long>(); content[i, 0, (k * 8)..(k * 8 + 8), 8..16] = 1f; }
        var z = randn(n, 4, 1, 8).expand(-1, -1, 8, -1).contiguous() * 2;
        return new LatentPairs(content, z, labels, 4, 4);
    }

    static TrainingOptions Options(string dir, long steps) => DiffusionTraining.PaperOptions with { Steps = steps, OutDir = dir, Progress = false, CheckpointEvery = 5 };

    [Fact]
    public void PaperOptimizerSettings()
    {
        var o = DiffusionTraining.PaperOptions;
        Assert.Equal((1e-4, 0.9, 0.999, 0.0), (o.LearningRate, o.Beta1, o.Beta2, o.WeightDecay));
    }

    [Fact]
    public void ContentTrainingLowersTheLossAndWritesEmaAndCheckpoint()
    {
        var dir = Fixtures.TempDir("content");
        using var pairs = TinyPairs();
        using var model = new DiT(RunPresets.Tiny.ContentDiT with { NumClasses = 4 });
        var res = DiffusionTraining.TrainContent(model, pairs, Options(dir, 20) with { LearningRate = 2e-3 }, batchSize: 8);
        Assert.True(res.MeanLossLast10Percent < res.FirstLoss, $"loss {res.FirstLoss} -> {res.MeanLossLast10Percent}");
        Assert.True(File.Exists(Path.Combine(dir, "checkpoint.safetensors")));
        var loaded = ModelStore.LoadContent(dir, preferEma: true);
        Assert.Equal(4, loaded.Model.Config.NumClasses);
        // the EMA (decay 0.999, 20 steps) has moved, but much less than the weights
        var w = model.state_dict()["final_layer.linear.weight"];
        var e = loaded.Model.state_dict()["final_layer.linear.weight"];
        Assert.True(e.abs().sum().item<float>() > 0 && e.abs().sum().item<float>() < w.abs().sum().item<float>());
    }

    static MotionDiT Seeded(MotionDiTConfig cfg) { manual_seed(0); return new MotionDiT(cfg); }

    [Fact]
    public void MotionTrainingResumesExactly()
    {
        using var pairs = TinyPairs();
        var cfg = RunPresets.Tiny.Motion with { NumClasses = 4 };
        var a = Fixtures.TempDir("motion-a");
        using (var m = Seeded(cfg)) DiffusionTraining.TrainMotion(m, pairs, Options(a, 10), batchSize: 4);
        var b = Fixtures.TempDir("motion-b");
        using (var m = Seeded(cfg)) DiffusionTraining.TrainMotion(m, pairs, Options(b, 5), batchSize: 4);
        using (var m = Seeded(cfg)) DiffusionTraining.TrainMotion(m, pairs, Options(b, 10) with { Resume = true }, batchSize: 4);
        var wa = ModelStore.LoadMotion(a, preferEma: false).Model.state_dict();
        var wb = ModelStore.LoadMotion(b, preferEma: false).Model.state_dict();
        foreach (var (k, v) in wa) Assert.True(v.equal(wb[k]).all().item<bool>(), $"{k} differs after resume");
        var ea = ModelStore.LoadMotion(a).Model.state_dict();
        var eb = ModelStore.LoadMotion(b).Model.state_dict();
        foreach (var (k, v) in ea) Assert.True(v.allclose(eb[k], 1e-6, 1e-7), $"EMA {k} differs after resume");
        Assert.True(ModelStore.LoadMotion(a).ZScale > 1.5f);
    }

    [Fact]
    public void MismatchedPairsAreClearErrors()
    {
        using var pairs = TinyPairs();
        using var content = new DiT(RunPresets.Small.ContentDiT);
        Assert.Contains("do not fit", Assert.Throws<ArgumentException>(() => DiffusionTraining.TrainContent(content, pairs, Options(Fixtures.TempDir(), 1), 2)).Message);
        using var motion = new MotionDiT(RunPresets.Small.Motion);
        Assert.Contains("do not fit", Assert.Throws<ArgumentException>(() => DiffusionTraining.TrainMotion(motion, pairs, Options(Fixtures.TempDir(), 1), 2)).Message);
        Assert.Throws<FileNotFoundException>(() => LatentPairs.Load("/nonexistent/pairs.safetensors"));
    }

    [Fact]
    public void PairsRoundTripAndPipelineSamplesVideos()
    {
        var dir = Fixtures.TempDir("pipe");
        using var pairs = TinyPairs(8);
        var path = Path.Combine(dir, "pairs.safetensors");
        pairs.Save(path);
        using var back = LatentPairs.Load(path);
        Assert.True(back.Z.equal(pairs.Z).all().item<bool>() && back.Content.equal(pairs.Content).all().item<bool>() && back.GridH == 4);

        using var ae = new CmdAutoencoder(RunPresets.Tiny.Autoencoder);
        ae.eval();
        using var content = new DiT(RunPresets.Tiny.ContentDiT);
        using (var m = new MotionDiT(RunPresets.Tiny.Motion)) DiffusionTraining.TrainMotion(m, pairs, Options(Path.Combine(dir, "motion"), 1), 2);
        var motion = ModelStore.LoadMotion(Path.Combine(dir, "motion"));
        manual_seed(0);
        var s = CmdSampler.Sample(ae, content, motion, [1, 2, 3], contentSteps: 2, motionSteps: 2, batchSize: 2);
        Assert.Equal(new long[] { 3, 8, 1, 32, 32 }, s.Videos.shape);
        Assert.Equal(new long[] { 3, 1, 32, 32 }, s.ContentFrames.shape);
        var written = SampleWriter.Write(Path.Combine(dir, "out"), s.ContentFrames, s.Videos, [1, 2, 3], s.Z);
        Assert.All(written.Gifs.Append(written.ContentGrid).Append(written.VideoGrid), f => Assert.True(new FileInfo(f).Length > 0));
        // the tensors file is what FVD reads as fake videos: same videos back, plus content frames, z and labels
        var (videos, _) = Cmd.Data.VideoTensorFile.Read(written.Tensors);
        Assert.True(videos.sub(s.Videos).abs().max().item<float>() == 0f);
        var all = Cmd.IO.SafeTensors.Load(written.Tensors);
        Assert.Equal(new long[] { 1, 2, 3 }, all["label"].data<long>().ToArray());
        Assert.Equal(s.Z.shape, all["z"].shape);
    }

    [Fact]
    public void DiffusionTrainsTheCubicBaselineToo()
    {
        manual_seed(2);
        using var model = new CubicVideoDiT(RunPresets.Tiny.CubicDiT);
        var videos = randn([2, 8, 1, 32, 32]);
        var res = DiffusionTraining.TrainCubic(model, _ => (videos, tensor(new long[] { 0, 1 })), Options(Fixtures.TempDir("cubic"), 2));
        Assert.True(double.IsFinite(res.LastLoss));
        var d = GaussianDiffusion.Create("2");
        using var _ = no_grad();
        var s = d.DdimSampleLoop((x, t) => model.ForwardWithCfg(x, t, tensor(new long[] { 1, 10 }), 4.0), randn([2, 1, 8, 32, 32]));
        Assert.Equal(new long[] { 2, 1, 8, 32, 32 }, s.shape);
    }
}
