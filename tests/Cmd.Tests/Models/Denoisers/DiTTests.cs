using System.Text.Json;
using Cmd.IO;
using Cmd.Models.Denoisers;
using Cmd.Pipeline;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Denoisers;

/// <summary>DiT against the official PyTorch code (fixtures made by tests/fixtures/dit/make_fixtures.py).</summary>
public class DiTTests(ITestOutputHelper output)
{
    static DiT LoadTiny()
    {
        var model = new DiT(DiTConfig.Tiny);
        ModuleState.Load(model, Fixtures.Path("dit/dit_tiny.safetensors"));
        model.eval();
        return model;
    }

    [Fact]
    public void ForwardMatchesOfficialDiT()
    {
        using var model = LoadTiny();
        var io = TensorFixtures.Load("dit/dit_tiny_io.safetensors");
        using var _ = no_grad();
        var (abs, rel) = TensorFixtures.Diff(model.call(io["x"], io["t"], io["y"]), io["out"]);
        output.WriteLine($"forward: max abs {abs:E2}, rel {rel:E2}");
        Assert.True(abs <= 1e-5, $"forward max abs error {abs}");
    }

    [Fact]
    public void ForwardWithCfgMatchesOfficialDiT()
    {
        using var model = LoadTiny();
        var io = TensorFixtures.Load("dit/dit_tiny_io.safetensors");
        using var _ = no_grad();
        var (abs, rel) = TensorFixtures.Diff(model.ForwardWithCfg(io["cfg_x"], io["cfg_t"], io["cfg_y"], 4.0), io["cfg_out"]);
        output.WriteLine($"forward_with_cfg: max abs {abs:E2}, rel {rel:E2}");
        Assert.True(abs <= 1e-5, $"forward_with_cfg max abs error {abs}");
    }

    [Fact]
    public void ForwardWithCfgAtScaleOneRunsTheConditionalHalfAlone()
    {
        using var model = LoadTiny();
        var io = TensorFixtures.Load("dit/dit_tiny_io.safetensors");
        using var _ = no_grad();
        var (x, t, y) = (io["cfg_x"], io["cfg_t"], io["cfg_y"]);
        long rows = 0;                                                          // rows the patch embedding sees
        var embed = (nn.Module<Tensor, Tensor>)model.named_children().Single(m => m.name == "x_embedder").module;
        var hook = embed.register_forward_hook((_, input, result) => { rows += input.shape[0]; return result; });
        var fast = model.ForwardWithCfg(x, t, y, 1.0);
        hook.remove();
        int n = (int)(x.shape[0] / 2);
        Assert.Equal(n, rows);                                                            // one pass over [cond] only
        var both = Guidance.Apply(x, xx => model.call(xx, t, y), 1.0, 3);                 // the official doubled pass
        var (abs, _) = TensorFixtures.Diff(fast[..n], both[..n]);
        output.WriteLine($"scale 1: cond-only vs doubled batch, max abs {abs:E2}");
        Assert.True(abs <= 1e-5, $"scale 1 differs from the doubled batch by {abs}");
        Assert.Equal(0.0, (fast[..n] - fast[n..]).abs().max().item<float>());
        var guided = model.ForwardWithCfg(x, t, y, 4.0);
        Assert.True((guided - fast).abs().max().item<float>() > 1e-3, "guidance no longer acts");
    }

    [Fact]
    public void EmbeddingsMatchOfficialDiT()
    {
        var io = TensorFixtures.Load("dit/dit_tiny_io.safetensors");
        var freq = TimestepEmbedder.TimestepEmbedding(io["t"].to(float32), 256);
        // sin/cos of arguments up to 999 rad: one float32 ulp of such an argument is 6e-5, so allow 1e-4 here.
        var fd = TensorFixtures.Diff(freq, io["t_freq"]); output.WriteLine($"t_freq {fd}"); Assert.True(fd.Abs <= 1e-4);
        var pe = tensor(PosEmbed.SinCos2D(64, 4, 4)).reshape(1, 16, 64);
        var pd = TensorFixtures.Diff(pe, io["pos_embed"]); output.WriteLine($"pos {pd}"); Assert.True(pd.Abs <= 1e-6);
    }

    [Fact]
    public void LongSkipsStartAsTheOfficialDiTThenReadTheKeptTokens()
    {
        using var official = LoadTiny();
        var cfg = DiTConfig.Tiny with { Depth = 4, LongSkips = true };
        using var skipped = new DiT(cfg);
        using var plain = new DiT(cfg with { LongSkips = false });
        var skipKeys = skipped.state_dict().Keys.Where(k => k.StartsWith("skip_linears.")).Order().ToArray();
        Assert.Equal(["skip_linears.0.bias", "skip_linears.0.weight", "skip_linears.1.bias", "skip_linears.1.weight"], skipKeys);
        Assert.Empty(plain.state_dict().Keys.Where(k => k.StartsWith("skip_")));
        using var _ = no_grad();
        // every shared weight non-zero (the tiny fixture's blocks 0-1 twice), so a skip that changed the sum would show
        var from = official.state_dict();
        foreach (var (name, p) in plain.state_dict().Concat(skipped.state_dict()).Where(kv => !kv.Key.StartsWith("skip_")))
            p.copy_(from[System.Text.RegularExpressions.Regex.Replace(name, @"^blocks\.(\d+)", m => $"blocks.{int.Parse(m.Groups[1].Value) % 2}")]);
        plain.eval(); skipped.eval();
        var io = TensorFixtures.Load("dit/dit_tiny_io.safetensors");
        var expected = plain.call(io["x"], io["t"], io["y"]);
        Assert.True(TensorFixtures.Diff(skipped.call(io["x"], io["t"], io["y"]), expected).Abs <= 1e-6, "untrained long skips must pass the tokens unchanged");
        // the last block reads the patch embedding through skip 1's second half, block 2 reads block 1's input through skip 0's
        foreach (var key in new[] { "skip_linears.1.weight", "skip_linears.0.weight" })
        {
            var w = skipped.state_dict()[key];
            var saved = w.clone();
            w[.., 64..].add_(randn(64, 64) * 0.1);
            Assert.True(TensorFixtures.Diff(skipped.call(io["x"], io["t"], io["y"]), expected).Abs > 1e-3, $"{key} does not reach the output");
            w.copy_(saved);
        }
    }

    [Fact]
    public void OfficialParameterNamesAndFrozenPosEmbed()
    {
        using var model = new DiT(DiTConfig.Tiny);
        var keys = model.state_dict().Keys.ToHashSet();
        foreach (var k in new[] { "pos_embed", "x_embedder.proj.weight", "t_embedder.mlp.0.weight", "t_embedder.mlp.2.bias",
                     "y_embedder.embedding_table.weight", "blocks.1.attn.qkv.weight", "blocks.0.attn.proj.bias", "blocks.0.mlp.fc1.weight",
                     "blocks.0.mlp.fc2.weight", "blocks.1.adaLN_modulation.1.weight", "final_layer.linear.weight", "final_layer.adaLN_modulation.1.bias" })
            Assert.Contains(k, keys);
        var pos = model.named_parameters().Single(p => p.name == "pos_embed").parameter;
        Assert.False(pos.requires_grad);
        Assert.Equal(11, model.YEmbedder.Table.weight!.shape[0]); // 10 classes + null class
    }

    [Fact]
    public void LabelDropoutUsesNullClassOnlyInTraining()
    {
        using var model = new DiT(DiTConfig.Tiny with { ClassDropoutProb = 1.0 });
        var labels = tensor(new long[] { 1, 2, 3 });
        Assert.Equal(new long[] { 10, 10, 10 }, model.YEmbedder.TokenDrop(labels).data<long>().ToArray());
        Assert.Equal(new long[] { 1, 10, 3 }, model.YEmbedder.TokenDrop(labels, tensor(new long[] { 0, 1, 0 })).data<long>().ToArray());
    }

    [Fact]
    public void BadInputIsAClearError()
    {
        using var model = new DiT(DiTConfig.Tiny);
        var e = Assert.Throws<ArgumentException>(() => model.call(zeros(2, 3, 8, 8), zeros(2), zeros(2, dtype: int64)));
        Assert.Contains("[N, 4, 8, 8]", e.Message);
        Assert.Throws<ArgumentException>(() => model.call(zeros(2, 4, 8, 8), zeros(2), tensor(new long[] { 0, 11 })));
        Assert.Throws<ArgumentException>(() => DiTConfig.Named("DiT-M/2"));
    }
}

/// <summary>Parameter counting builds models on the "meta" device, which is a process-wide default in libtorch:
/// these tests run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(MetaDeviceCollection), DisableParallelization = true)]
public class MetaDeviceCollection;

[Collection(nameof(MetaDeviceCollection))]
public class ParameterCountTests(ITestOutputHelper output)
{
    [Fact]
    public void Official12() => AssertOfficialCounts(output);

    public static void AssertOfficialCounts(ITestOutputHelper output)
    {
        var official = JsonSerializer.Deserialize<Dictionary<string, long>>(File.ReadAllText(Fixtures.Path("dit/param_counts.json")))!;
        Assert.Equal(12, official.Count);
        foreach (var (name, expected) in official)
        {
            var count = ModelZoo.CountParameters(name);
            output.WriteLine($"{name}: {count:N0}");
            Assert.Equal(expected, count);
        }
    }
}
