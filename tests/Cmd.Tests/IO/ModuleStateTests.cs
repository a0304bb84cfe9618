using Cmd.IO;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Tests.IO;

public class ModuleStateTests
{
    /// <summary>The same network as SmallNet in tests/fixtures/safetensors/make_fixtures.py, with PyTorch's names.</summary>
    sealed class SmallNet : nn.Module<Tensor, Tensor>
    {
        readonly Conv2d conv = nn.Conv2d(3, 4, 3, padding: 1);
        readonly BatchNorm2d norm = nn.BatchNorm2d(4);
        readonly Sequential head = nn.Sequential(("0", nn.Linear(100, 8)), ("1", nn.GELU(GELU.Approximate.tanh)), ("2", nn.Linear(8, 2)));

        public SmallNet() : base(nameof(SmallNet)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            x = nn.functional.relu(norm.call(conv.call(x))).flatten(1);
            return head.call(x);
        }
    }

    [Fact]
    public void PyTorchStateDictLoadsAndGivesPyTorchsOutput()
    {
        var net = new SmallNet();
        ModuleState.Load(net, Fixtures.Path("safetensors/pytorch_module.safetensors"));
        net.eval();
        var io = SafeTensors.Load(Fixtures.Path("safetensors/pytorch_module_io.safetensors"));
        using var _ = no_grad();
        var y = net.call(io["input"]);
        Assert.True(y.allclose(io["output"], rtol: 1e-5, atol: 1e-6), $"max diff {(y - io["output"]).abs().max().item<float>()}");
    }

    [Fact]
    public void SaveThenLoadRestoresEveryParameterAndBuffer()
    {
        var a = new SmallNet();
        var path = Path.Combine(Fixtures.TempDir(), "net.safetensors");
        ModuleState.Save(a, path, new Dictionary<string, string> { ["arch"] = "SmallNet" });
        var b = new SmallNet();
        ModuleState.Load(b, path);
        foreach (var (k, v) in a.state_dict()) Assert.True(v.eq(b.state_dict()[k]).all().item<bool>(), k);
        Assert.Equal("SmallNet", SafeTensors.LoadMetadata(path)["arch"]);
    }

    [Fact]
    public void StrictLoadNamesMissingUnexpectedAndMisshapedKeys()
    {
        var tensors = new SmallNet().state_dict();
        tensors.Remove("conv.bias");
        tensors["extra.weight"] = zeros(1);
        tensors["head.2.weight"] = zeros(3, 8);
        var net = new SmallNet();
        var before = net.state_dict()["conv.weight"].clone();
        var e = Assert.Throws<StateDictMismatchException>(() => ModuleState.Load(net, tensors, "w.safetensors"));
        Assert.Equal(new[] { "conv.bias" }, e.Missing);
        Assert.Equal(new[] { "extra.weight" }, e.Unexpected);
        Assert.Contains("head.2.weight expects [2, 8] but got [3, 8]", e.Message);
        Assert.StartsWith("w.safetensors:", e.Message);
        Assert.True(before.eq(net.state_dict()["conv.weight"]).all().item<bool>(), "a failed load must change nothing");
    }

    [Fact]
    public void PrefixedKeysAreNamedBrieflyWithAHint()
    {
        // a training checkpoint's "model." keys given where a plain state dict is expected
        var tensors = new SmallNet().state_dict().ToDictionary(kv => "model." + kv.Key, kv => kv.Value);
        var e = Assert.Throws<StateDictMismatchException>(() => ModuleState.Load(new SmallNet(), tensors, "ckpt.safetensors"));
        int n = tensors.Count;
        Assert.Equal(n, e.Missing.Count);
        Assert.Contains($"{n} missing keys: conv.weight", e.Message);
        Assert.Contains($"... ({n - 8} more)", e.Message);
        Assert.Contains("the file's keys carry a prefix ('model.')", e.Message);
    }

    [Fact]
    public void NonStrictLoadSkipsMissingAndUnexpectedButNotShapes()
    {
        var tensors = new SmallNet().state_dict();
        foreach (var k in tensors.Keys.ToList()) if (tensors[k].is_floating_point()) tensors[k] = full_like(tensors[k], 0.25).detach();
        tensors.Remove("conv.bias");
        tensors["extra.weight"] = zeros(1);
        var target = new SmallNet();
        var biasBefore = target.state_dict()["conv.bias"].clone();
        ModuleState.Load(target, tensors, strict: false);
        var loaded = target.state_dict();
        Assert.True(loaded["conv.weight"].eq(0.25f).all().item<bool>());      // present keys are loaded
        Assert.True(loaded["head.2.bias"].eq(0.25f).all().item<bool>());
        Assert.True(loaded["conv.bias"].eq(biasBefore).all().item<bool>());     // the missing key keeps its value
        Assert.DoesNotContain("extra.weight", loaded.Keys);
        tensors["conv.weight"] = zeros(1);
        Assert.Throws<StateDictMismatchException>(() => ModuleState.Load(new SmallNet(), tensors, strict: false));
    }
}

/// <summary>Issue 17: a stored dtype must be the module's (or float16/bfloat16 into float32 for weights), never converted from int.</summary>
public class ModuleStateDTypeTests
{
    static nn.Module Net() { manual_seed(1); return nn.Sequential(("0", nn.Linear(3, 2)), ("1", nn.LayerNorm(2))); }

    [Fact]
    public void AFloatTensorStoredAsInt32IsRefusedAndNothingIsChanged()
    {
        var source = Net().state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        source["0.weight"] = source["0.weight"].mul(100).to(ScalarType.Int32);
        source["1.bias"] = source["1.bias"].add(5);
        using var net = Net();
        var before = net.state_dict()["1.bias"].clone();
        var e = Assert.Throws<StateDictMismatchException>(() => ModuleState.Load(net, source, "w.safetensors"));
        Assert.Contains("0.weight is Int32, the module holds Float32", e.Message);
        Assert.True(net.state_dict()["1.bias"].eq(before).all().item<bool>(), "a refused file changed the module");
    }

    [Fact]
    public void HalfPrecisionWeightsUpcastButNotInAnExactLoad()
    {
        var source = Net().state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().to(ScalarType.BFloat16));
        using var net = Net();
        ModuleState.Load(net, source, "w.safetensors");
        Assert.Equal(ScalarType.Float32, net.state_dict()["0.weight"].dtype);
        Assert.Throws<StateDictMismatchException>(() => ModuleState.Load(net, source, "ckpt.safetensors", rule: DTypeRule.Exact));
    }
}
