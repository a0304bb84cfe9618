using static TorchSharp.torch;

namespace Cmd.Models.Backbones;

/// <summary>Space and time position information added to the TimeSformer tokens.</summary>
public enum PositionEmbeddingKind
{
    /// <summary>Fixed sine-cosine tables for time and the (row, column) grid.</summary>
    SinCos,
    /// <summary>Learned time and space tables.</summary>
    Learned,
    /// <summary>No positions (NVlabs/CMD vit_modules.py: rotary tables are built and never applied).</summary>
    None,
}

/// <summary>Fixed sine-cosine position tables (as in MAE / DiT) for the time axis and the 2D patch grid.</summary>
public static class TimeSformerPositionEmbedding
{
    /// <summary>[positions, dim]: first half sin(p * w_i), second half cos(p * w_i), w_i = 10000^(-2i/dim).</summary>
    public static Tensor SinCos1d(int dim, Tensor positions)
    {
        var omega = 1.0 / pow(10000.0, arange(dim / 2, dtype: float64) / (dim / 2.0));
        var angles = positions.to(float64).reshape(-1, 1) * omega.reshape(1, -1);
        return cat([angles.sin(), angles.cos()], 1).to(float32);
    }

    /// <summary>[L, dim] time table.</summary>
    public static Tensor Time(int dim, int frames) => SinCos1d(dim, arange(frames));

    /// <summary>[H'W', dim] space table: half the channels encode the row, half the column (row-major patches).</summary>
    public static Tensor Space(int dim, int gridH, int gridW)
    {
        var rows = arange(gridH).repeat_interleave(gridW);
        var cols = arange(gridW).repeat(gridH);
        return cat([SinCos1d(dim / 2, rows), SinCos1d(dim / 2, cols)], 1);
    }
}
