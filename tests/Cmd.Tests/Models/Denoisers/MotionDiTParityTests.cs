using Cmd.IO;
using Cmd.Models.Denoisers;
using Cmd.Tests.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Cmd.Tests.Models.Denoisers;

/// <summary>
/// MotionDiT against a PyTorch statement of section 3.2 built from the official DiT blocks
/// (tests/fixtures/cmd/make_motion_dit_fixtures.py): z patches on the (L, H'+W') grid, key-patch content tokens, the class
/// through adaLN, only z tokens out; non-square grids on both inputs.
/// </summary>
public class MotionDiTParityTests(ITestOutputHelper output)
{
    internal static readonly MotionDiTConfig Config = new()
    {
        Name = "paper-fixture", LatentChannels = 3, Frames = 4, GridHeight = 4, GridWidth = 6, ContentChannels = 2,
        ContentHeight = 8, ContentWidth = 12, PatchSize = 2, KeyPatchSize = 4, HiddenSize = 32, Depth = 2, NumHeads = 4,
        Condition = MotionCondition.Class, NumClasses = 5,
    };

    static (MotionDiT Model, Dictionary<string, Tensor> Io) Load()
    {
        var model = new MotionDiT(Config);
        return (model, TensorFixtures.LoadInto(model, "cmd/motion_dit.safetensors"));
    }

    void Check(string what, Tensor actual, Tensor expected, double maxRel) =>
        TensorFixtures.Check(output, what, actual, expected, maxRel);

    [Fact]
    public void PositionTablesOfBothNonSquareGridsMatch()
    {
        using var fresh = new MotionDiT(Config); // built, not loaded
        var io = TensorFixtures.Load("cmd/motion_dit.safetensors");
        var state = fresh.state_dict();
        Check("z pos_embed (2 x 5 grid)", state["pos_embed"], io["io.pos_embed"], 1e-6);
        Check("content pos_embed (2 x 3 grid)", state["key_pos_embed"], io["io.key_pos_embed"], 1e-6);
    }

    [Fact]
    public void ForwardMatchesTheSection32Statement()
    {
        var (model, io) = Load();
        using var _ = no_grad();
        Check("forward", model.call(io["z"], io["t"], io["content"], io["y"]), io["out"], 1e-5);
    }

    [Fact]
    public void ForwardWithCfgMatchesTheSection32Statement()
    {
        var (model, io) = Load();
        using var _ = no_grad();
        Check("forward_with_cfg", model.ForwardWithCfg(io["cfg_z"], io["cfg_t"], io["cfg_content"], io["cfg_y"], 4.0), io["cfg_out"], 1e-5);
    }
}
