using System.Text.Json;
using Cmd.IO;
using Cmd.Metrics.Fvd;
using static TorchSharp.torch;

namespace Cmd.Tests.Metrics.Fvd;

/// <summary>PVDM's InceptionI3d (the FVD detector of PVDM and CMD's evaluation) against PyTorch: our rewrite
/// (make_inception_i3d.py) and piergiaj/pytorch-i3d's own InceptionI3d with PVDM's two changes (make_pytorch_i3d_check.py,
/// which also found NVlabs CMD's eval/fvd/pytorch_i3d.py identical to it).</summary>
public class InceptionI3dTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static readonly string Fixture = Path.Combine(MetricsFixtures.Dir("fvd"), "inception_i3d_reference.safetensors");

    /// <summary>The fixture script's rule: keys in ordinal order, k-th tensor = sin(0.37 i + k) scaled by kind.</summary>
    static void Deterministic(InceptionI3d model)
    {
        var sd = model.state_dict();
        using var _ = no_grad();
        int k = 0;
        foreach (var name in sd.Keys.OrderBy(n => n, StringComparer.Ordinal))
        {
            var t = sd[name];
            if (name.EndsWith("num_batches_tracked")) { k++; continue; }
            var s = sin(0.37 * arange(t.numel(), dtype: ScalarType.Float64) + k);
            Tensor v = name.EndsWith("running_var") ? 1.0 + 0.5 * s * s
                : name.EndsWith("running_mean") || name.EndsWith("bias") ? 0.05 * s
                : name.EndsWith("bn.weight") ? 1.0 + 0.1 * s
                : s * Math.Sqrt(2.0 / (t.numel() / t.shape[0]));
            t.copy_(v.view(t.shape).to(t.dtype));
            k++;
        }
    }

    [Fact]
    public void InceptionI3dHasPvdmKeysAndMatchesPyTorch()
    {
        var file = SafeTensorsFile.Open(Fixture);
        var keys = JsonSerializer.Deserialize<string[]>(file.Metadata["state_dict_keys"])!;
        using var model = new InceptionI3d();
        Assert.Equal(keys, model.state_dict().Keys.OrderBy(n => n, StringComparer.Ordinal).ToArray());
        Deterministic(model);
        model.eval();
        using var x = sin(0.01 * arange(3L * 10 * 224 * 224, dtype: ScalarType.Float64)).to(ScalarType.Float32).view(1, 3, 10, 224, 224);
        using var expected = file.Read("logits");
        using var original = SafeTensorsFile.Open(Path.Combine(MetricsFixtures.Dir("fvd"), "inception_i3d_pytorch_i3d.safetensors")).Read("logits");
        using (no_grad())
        {
            using var logits = model.call(x);
            Assert.True(logits.allclose(expected, rtol: 1e-3, atol: 1e-4), $"max diff {(logits - expected).abs().max().item<float>()}");
            var rel = ((logits - original).abs().max() / original.abs().max()).item<float>();
            output.WriteLine($"InceptionI3d vs pytorch-i3d: max relative error {rel:E2}");
            Assert.True(rel < 1e-4, $"InceptionI3d vs pytorch-i3d: max relative error {rel:E2}");
        }
    }
}
