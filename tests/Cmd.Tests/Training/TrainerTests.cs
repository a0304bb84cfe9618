using Cmd.IO;
using Cmd.Training;
using static TorchSharp.torch;
using Cmd.Models.Autoencoder;
using Cmd.Presets;
using Cmd.Pipeline;

namespace Cmd.Tests.Training;

public class TrainerTests
{
    static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "cmd-trainer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.1, false)]
    [InlineData(0.1, true)]
    public void AdamMatchesTorchSharpsAdamAndAdamW(double weightDecay, bool decoupled)
    {
        manual_seed(3);
        var a = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 2));
        var b = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 2));
        b.load_state_dict(a.state_dict());
        var ours = new AdamOptimizer(a.named_parameters(), 1e-2, 0.5, 0.9, 1e-8, weightDecay, decoupled);
        TorchSharp.Modules.OptimizerHelper reference = decoupled
            ? optim.AdamW(b.parameters(), 1e-2, 0.5, 0.9, 1e-8, weightDecay)
            : optim.Adam(b.parameters(), 1e-2, 0.5, 0.9, 1e-8, weightDecay);
        var x = randn(16, 5); var y = randn(16, 2);
        for (int i = 0; i < 5; i++)
        {
            ours.ZeroGrad(); nn.functional.mse_loss(a.call(x), y).backward(); ours.Step();
            reference.zero_grad(); nn.functional.mse_loss(b.call(x), y).backward(); reference.step();
        }
        foreach (var (name, p) in a.named_parameters())
            Assert.True(p.sub(b.get_parameter(name)!).abs().max().item<float>() < 1e-6f, name);
        Assert.Equal(5, ours.States[0].Step);
    }

    static (CmdAutoencoder model, Func<long, Tensor> batches) TinySetup()
    {
        var c = RunPresets.Tiny.Autoencoder;
        manual_seed(11);
        var model = new CmdAutoencoder(c);
        // batches drawn from torch's generator (restored on resume)
        Func<long, Tensor> batches = _ => rand(new long[] { 2, c.Frames, c.Channels, c.Height, c.Width }) * 2 - 1;
        return (model, batches);
    }

    [Fact]
    public void ResumeContinuesExactlyFromTheLastCheckpoint()
    {
        string straight = TempDir(), broken = TempDir();
        var options = AutoencoderTraining.Options(RunPresets.Tiny.Autoencoder) with { Steps = 6, CheckpointEvery = 3, Progress = false, Seed = 5 };

        var (m1, b1) = TinySetup();
        AutoencoderTraining.Train(m1, b1, options with { OutDir = straight });

        var (m2, b2) = TinySetup();
        AutoencoderTraining.Train(m2, b2, options with { OutDir = broken, Steps = 3 });
        File.AppendAllText(Path.Combine(broken, LossLog.FileName), "4,123,0,0,0\n"); // a row past the checkpoint (crash after step 4)
        var (m3, b3) = TinySetup(); // fresh process: new model, other RNG state
        var r = AutoencoderTraining.Train(m3, b3, options with { OutDir = broken, Resume = true });
        Assert.Equal(3, r.StartStep);

        foreach (var (name, p) in m1.named_parameters())
            Assert.True(p.sub(m3.get_parameter(name)!).abs().max().item<float>() == 0f, $"{name} differs after resume");
        var l1 = LossLog.Read(Path.Combine(straight, LossLog.FileName));
        var l3 = LossLog.Read(Path.Combine(broken, LossLog.FileName));
        Assert.Equal(l1, l3);
        Assert.Equal(6, l1.Count);
    }

    [Fact]
    public void CheckpointHoldsModelOptimizerStepRngAndConfig()
    {
        string dir = TempDir();
        var (m, b) = TinySetup();
        AutoencoderTraining.Train(m, b, AutoencoderTraining.Options(m.Config) with { Steps = 2, Progress = false, OutDir = dir });
        var path = Path.Combine(dir, TrainingCheckpoint.FileName);
        var file = SafeTensorsFile.Open(path);
        Assert.Equal("2", file.Metadata["step"]);
        Assert.Equal(ModelMetadata.Autoencoder, file.Metadata["model_kind"]);
        Assert.Equal(m.Config, AutoencoderConfig.FromJson(file.Metadata["model_config"]));
        Assert.Contains("\"LearningRate\":0.002", file.Metadata["training"]);
        var t = file.ReadAll();
        Assert.Contains("model.patch_embed.weight", t.Keys);
        Assert.Contains("optimizer.patch_embed.weight.exp_avg", t.Keys);
        Assert.Contains("optimizer.patch_embed.weight.exp_avg_sq", t.Keys);
        Assert.Equal(2f, t["optimizer.patch_embed.weight.step"].item<float>());
        Assert.Equal(ScalarType.Byte, t[TrainingCheckpoint.RngKey].dtype);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        // the weights load back into a model built from the stored config
        var loaded = ModelStore.LoadAutoencoder(path);
        foreach (var (name, p) in m.named_parameters())
            Assert.True(p.sub(loaded.get_parameter(name)!).abs().max().item<float>() == 0f);
        // exported weights alone load the same model
        var weights = Path.Combine(dir, "weights.safetensors");
        TrainingCheckpoint.ExportWeights(path, weights);
        Assert.DoesNotContain(SafeTensorsFile.Open(weights).Tensors, e => e.Name.StartsWith("optimizer."));
        var fromWeights = ModelStore.LoadAutoencoder(weights);
        foreach (var (name, p) in m.named_parameters())
            Assert.True(p.sub(fromWeights.get_parameter(name)!).abs().max().item<float>() == 0f);

        // fine-tuning start: every weight copied except the prefixes kept fresh
        manual_seed(7);
        using var tuned = new CmdAutoencoder(m.Config);
        var init = tuned.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter.detach().clone());
        var fresh = AutoencoderTraining.InitFrom(tuned, weights, ["importance_head."]);
        Assert.Equal(["importance_head.proj.weight", "importance_head.proj.bias"], fresh.OrderByDescending(k => k).ToArray());
        foreach (var (name, p) in tuned.named_parameters())
        {
            var expected = name.StartsWith("importance_head.") ? init[name] : m.get_parameter(name)!;   // kept fresh (zeros), or copied
            Assert.True(p.sub(expected).abs().max().item<float>() == 0f, $"{name} wrong after InitFrom");
        }
        // a head of another shape (frame-level importance) starts fresh while the rest loads
        using var frameLevel = new CmdAutoencoder(m.Config with { Importance = ImportanceGranularity.Frame });
        Assert.Equal(["importance_head.frame_proj.weight", "importance_head.frame_proj.bias"],
            AutoencoderTraining.InitFrom(frameLevel, weights, ["importance_head."]).OrderByDescending(k => k).ToArray());
        Assert.Contains("no parameter starts with", Assert.Throws<ArgumentException>(() => AutoencoderTraining.InitFrom(tuned, weights, ["importance."])).Message);
    }

    [Fact]
    public void LoadingAWrongFileIsAClearError()
    {
        string dir = TempDir();
        var path = Path.Combine(dir, "x.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = zeros(2) });
        Assert.Contains("not a CMD autoencoder checkpoint", Assert.Throws<InvalidDataException>(() => ModelStore.LoadAutoencoder(path)).Message);
        Assert.Contains("checkpoint not found", Assert.Throws<FileNotFoundException>(() => ModelStore.LoadAutoencoder(path + ".nope")).Message);
        Assert.Throws<ArgumentException>(() => new TrainingOptions { Steps = 0 }.Validate());
    }

    [Fact]
    public void ProgressLineShowsLossAndEta()
    {
        var w = new StringWriter();
        var bar = new ProgressBar(0, 100, "ae", w);
        for (int s = 1; s <= 100; s++) bar.Update(s, 0.5);
        var text = w.ToString();
        Assert.Contains("100/100", text);
        Assert.Contains("loss 0.5", text);
        Assert.Contains("ETA 00:00", text);
        Assert.Contains("[####################]", text);
    }

    [Fact]
    public void WarmupRampsTheLearningRateLinearly()
    {
        var o = new TrainingOptions { LearningRate = 1e-3, WarmupSteps = 10 };
        Assert.Equal(1e-4, Trainer.LearningRateAt(o, 0), 10);
        Assert.Equal(1e-3, Trainer.LearningRateAt(o, 9), 10);
        Assert.Equal(1e-3, Trainer.LearningRateAt(o, 50), 10);
    }
}
