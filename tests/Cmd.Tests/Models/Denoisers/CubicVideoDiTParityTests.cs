using Cmd.IO;
using Cmd.Models.Denoisers;
using Cmd.Tests.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Denoisers;

/// <summary>
/// CubicVideoDiT against a PyTorch statement of the cubic baseline built from the official DiT pieces
/// (tests/fixtures/cmd/make_cubic_dit_fixtures.py): per-frame p x p patches of the whole latent video, 2-D and frame
/// sin-cos tables, divided space-time attention (temporal, spatial, MLP under a 9-vector adaLN-Zero), DiT's final layer
/// unpatchified per frame; non-square 8 x 12 frames, 3 frames, 2 channels.
/// </summary>
public class CubicVideoDiTParityTests(ITestOutputHelper output)
{
    internal static readonly CubicVideoDiTConfig Config = new()
    {
        Name = "cubic-fixture", Channels = 2, Frames = 3, Height = 8, Width = 12, PatchSize = 2, HiddenSize = 32, Depth = 2,
        NumHeads = 4, NumClasses = 5,
    };

    static (CubicVideoDiT Model, Dictionary<string, Tensor> Io) Load()
    {
        var all = TensorFixtures.Load("cmd/cubic_dit.safetensors");
        var model = new CubicVideoDiT(Config);
        ModuleState.Load(model, all.Where(kv => kv.Key.StartsWith("w.")).ToDictionary(kv => kv.Key[2..], kv => kv.Value), strict: true);
        model.eval();
        return (model, all.Where(kv => kv.Key.StartsWith("io.")).ToDictionary(kv => kv.Key[3..], kv => kv.Value));
    }

    void Check(string what, Tensor actual, Tensor expected, double maxRel)
    {
        var (abs, rel) = TensorFixtures.Diff(actual, expected);
        output.WriteLine($"{what}: max abs {abs:E2}, rel {rel:E2}");
        Assert.True(rel <= maxRel, $"{what}: relative error {rel:E2} > {maxRel:E0} (max abs {abs:E2})");
    }

    [Fact]
    public void PositionTablesMatchDiTsSinCos()
    {
        using var fresh = new CubicVideoDiT(Config); // built, not loaded
        var io = TensorFixtures.Load("cmd/cubic_dit.safetensors");
        var state = fresh.state_dict();
        Check("spatial pos_embed (4 x 6 grid)", state["pos_embed"], io["io.pos_embed"], 1e-6);
        Check("temporal_embed (3 frames)", state["temporal_embed"], io["io.temporal_embed"], 1e-6);
    }

    [Fact]
    public void ForwardMatchesTheStatement()
    {
        var (model, io) = Load();
        using var _ = no_grad();
        Check("forward", model.call(io["x"], io["t"], io["y"]), io["out"], 1e-5);
    }

    [Fact]
    public void ForwardWithCfgMatchesTheStatement()
    {
        var (model, io) = Load();
        using var _ = no_grad();
        Check("forward_with_cfg", model.ForwardWithCfg(io["cfg_x"], io["cfg_t"], io["cfg_y"], 4.0), io["cfg_out"], 1e-5);
    }
}
