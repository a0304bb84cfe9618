namespace Cmd.Models.Denoisers;

/// <summary>Fixed 2D sine-cosine position embeddings (MAE / DiT `get_2d_sincos_pos_embed`), computed in float64.</summary>
public static class PosEmbed
{
    /// <summary>[gridH*gridW, dim] row-major over (h, w). For a square grid this equals the official function:
    /// the first half of the channels encodes the w coordinate, the second half the h coordinate.</summary>
    public static float[] SinCos2D(int dim, int gridH, int gridW)
    {
        if (dim % 4 != 0) throw new ArgumentException($"2D sin-cos embedding needs a dimension divisible by 4, got {dim}");
        var half = dim / 2;
        var result = new float[gridH * gridW * dim];
        for (int h = 0; h < gridH; h++)
            for (int w = 0; w < gridW; w++)
            {
                var row = (h * gridW + w) * dim;
                Fill1D(result, row, half, w);          // official: grid[0] (w goes first)
                Fill1D(result, row + half, half, h);
            }
        return result;
    }

    /// <summary>1D sin-cos embedding of positions 0..n-1: [n, dim].</summary>
    public static float[] SinCos1D(int dim, int n)
    {
        var result = new float[n * dim];
        for (int i = 0; i < n; i++) Fill1D(result, i * dim, dim, i);
        return result;
    }

    static void Fill1D(float[] dest, int offset, int dim, double pos)
    {
        var quarter = dim / 2;
        for (int k = 0; k < quarter; k++)
        {
            var omega = 1.0 / Math.Pow(10000, k / (dim / 2.0));
            dest[offset + k] = (float)Math.Sin(pos * omega);
            dest[offset + quarter + k] = (float)Math.Cos(pos * omega);
        }
    }
}
