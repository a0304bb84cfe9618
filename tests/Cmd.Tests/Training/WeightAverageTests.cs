using Cmd.IO;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Cmd.Presets;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Tests.Training;

/// <summary>The mean of one model's weights files (`export --from A B C`): values, storage, metadata, refusals.</summary>
public class WeightAverageTests
{
    static readonly Dictionary<string, string> Meta = new() { ["model_kind"] = "k", ["z_scale"] = "0.5" };

    static string Save(string dir, string name, Dictionary<string, Tensor> tensors, Dictionary<string, string>? meta = null)
    {
        var path = Path.Combine(dir, name);
        SafeTensors.Save(path, tensors, meta ?? Meta);
        return path;
    }

    [Fact]
    public void TheMeanOfFloatTensorsKeepsEachFilesStorageAndTheIntegerTensorsAndNamesItsSources()
    {
        var dir = Fixtures.TempDir("average");
        manual_seed(1);
        var a = randn(3, 4); var b = randn(3, 4); var c = randn(3, 4);
        var h = randn(5).to(float16);
        var steps = tensor(new long[] { 7, 8 });
        Dictionary<string, string> MetaOf(int i) => i switch   // older files have no precision; it may change too
        {
            0 => new(Meta) { ["step"] = "0" },
            _ => new(Meta) { ["step"] = $"{i}", [ModelMetadata.Fp32MatmulKey] = i == 1 ? "ieee" : "bf16" },
        };
        var files = new[] { a, b, c }.Select((w, i) => Save(dir, $"s{i}.safetensors",
            new() { ["w"] = w, ["h"] = (h + i).to(float16), ["n"] = steps }, MetaOf(i))).ToList();
        var outPath = Path.Combine(dir, "mean.safetensors");
        WeightAverage.Write(files, outPath);
        var file = SafeTensorsFile.Open(outPath);
        var got = file.ReadAll();
        Assert.True(got["w"].allclose((a + b + c) / 3, 1e-6, 1e-7), "float32 tensors not averaged");
        Assert.Equal(ScalarType.Float16, got["h"].dtype);                     // stored as the files store it
        Assert.True(got["h"].to(float32).allclose(h.to(float32) + 1, 1e-3, 1e-3));
        Assert.True(got["n"].equal(steps).all().item<bool>());
        Assert.Equal("s0.safetensors, s1.safetensors, s2.safetensors", file.Metadata[ModelMetadata.AveragedFromKey]);
        Assert.Equal("0.5", file.Metadata["z_scale"]);
        Assert.False(file.Metadata.ContainsKey("step"));                      // a snapshot's own, not the mean's
        WeightAverage.Write(files, outPath, ScalarType.BFloat16);
        Assert.Equal("BF16", SafeTensorsFile.Open(outPath)["w"].DType);
    }

    [Fact]
    public void RunFoldersEmaWeightsAndCheckpointsAverageIntoAModelThatLoads()
    {
        var dir = Fixtures.TempDir("average-model");
        var cfg = RunPresets.Tiny.Motion with { NumClasses = 4 };
        var meta = new Dictionary<string, string>(ModelMetadata.For(ModelMetadata.Motion, cfg.ToJson()))
            { [ModelMetadata.ZScaleKey] = "0.5" };
        var states = new List<Dictionary<string, Tensor>>();
        var files = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            manual_seed(i);
            using var m = new MotionDiT(cfg);
            using (no_grad()) foreach (var p in m.parameters()) p.add_(randn_like(p));
            states.Add(m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone()));
            files.Add(Path.Combine(dir, $"ema-{i}.safetensors"));
            ModuleState.Save(m, files[i], meta);
        }
        // the second as a checkpoint: its "model." tensors averaged, the optimizer's left out
        var checkpoint = Save(dir, "checkpoint.safetensors", states[1]
            .ToDictionary(kv => TrainingCheckpoint.ModelPrefix + kv.Key, kv => kv.Value)
            .Append(new("optimizer.x.exp_avg", ones(2))).ToDictionary(), meta);
        var outPath = Path.Combine(dir, "mean.safetensors");
        Assert.Equal([files[0], checkpoint], ModelStore.AverageWeights([files[0], checkpoint], outPath));
        var loaded = ModelStore.LoadMotion(outPath);
        using var _ = loaded.Model;
        foreach (var (k, t) in loaded.Model.state_dict())
            Assert.True(t.allclose((states[0][k] + states[1][k]) / 2, 1e-6, 1e-6), $"{k} is not the mean");
        Assert.Equal(0.5f, loaded.ZScale);
    }

    [Fact]
    public void FilesOfDifferentModelsAreRefusedByNameAndNothingIsWritten()
    {
        var dir = Fixtures.TempDir("average-bad");
        var a = Save(dir, "a.safetensors", new() { ["w"] = zeros(2, 2), ["n"] = tensor(new long[] { 1 }) });
        var outPath = Path.Combine(dir, "mean.safetensors");
        void Refused(string expected, params string[] files)
        {
            var e = Assert.ThrowsAny<Exception>(() => WeightAverage.Write(files, outPath));
            Assert.True(e is ArgumentException or InvalidDataException or SafeTensorsException, e.ToString());
            Assert.Contains(expected, e.Message);
            Assert.False(File.Exists(outPath), "a refused average left a file");
        }
        Refused("at least 2 weights files", a);
        Refused("\"z_scale\" differs from",
            a, Save(dir, "other-scale.safetensors", new() { ["w"] = zeros(2, 2), ["n"] = tensor(new long[] { 1 }) },
                new(Meta) { ["z_scale"] = "0.6" }));
        Refused("\"w\" is [2, 3], [2, 2] in",
            a, Save(dir, "shape.safetensors", new() { ["w"] = zeros(2, 3), ["n"] = tensor(new long[] { 1 }) }));
        Refused("tensor \"v\" is in one of it and",
            a, Save(dir, "extra.safetensors", new() { ["w"] = zeros(2, 2), ["v"] = zeros(1), ["n"] = tensor(new long[] { 1 }) }));
        Refused("\"n\" (not floating) differs",
            a, Save(dir, "int.safetensors", new() { ["w"] = zeros(2, 2), ["n"] = tensor(new long[] { 2 }) }));
        Refused("missing.safetensors", a, Path.Combine(dir, "missing.safetensors"));
        Assert.Throws<ArgumentException>(() => WeightAverage.Write([a, a], outPath, ScalarType.Int32));
    }
}
