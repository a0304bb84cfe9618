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
        var model = new CubicVideoDiT(Config);
        return (model, TensorFixtures.LoadInto(model, "cmd/cubic_dit.safetensors"));
    }

    void Check(string what, Tensor actual, Tensor expected, double maxRel) =>
        TensorFixtures.Check(output, what, actual, expected, maxRel);

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
