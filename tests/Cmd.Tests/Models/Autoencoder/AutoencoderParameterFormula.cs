using Cmd.Models.Autoencoder;
using Cmd.Models.Backbones;

namespace Cmd.Tests.Models.Autoencoder;

/// <summary>
/// The autoencoder's parameter count by hand, layer by layer (section 3.2, Table 5 shapes), independent of the module code:
/// C = channels, p = patch, C' = hidden, D = z channels, h x d = heads x head dim, m = GEGLU ratio, L frames, N = H'W'.
/// </summary>
public static class AutoencoderParameterFormula
{
    public static long Count(AutoencoderConfig c)
    {
        long C = c.Channels, p = c.PatchSize, Cp = c.Hidden, D = c.LatentChannels, inner = (long)c.Heads * c.HeadDim, m = c.MlpRatio;
        long attention = Cp * 3 * inner + 3 * inner + inner * Cp + Cp;               // qkv (with bias), proj
        long geglu = Cp * 2 * m * Cp + 2 * m * Cp + m * Cp * Cp + Cp;                 // fc1 to [a, g], fc2
        long block = 3 * 2 * Cp + 2 * attention + geglu;                             // three LayerNorms, time + space attention
        long positions = c.PositionEmbedding == PositionEmbeddingKind.Learned ? (c.Frames + (long)c.GridHeight * c.GridWidth) * Cp : 0;
        long transformer = c.Depth * block + (c.FinalNorm ? 2 * Cp : 0) + positions;
        long patchConv = C * Cp * p * p + Cp;                                         // pre-layer and g_I: stride-p conv C -> C'
        long importance = c.Importance switch
        {
            ImportanceGranularity.PixelChannel => Cp * C * p * p + C,                 // transposed conv C' -> C
            ImportanceGranularity.Pixel => Cp * p * p + 1,                            // transposed conv C' -> 1
            _ => Cp + 1,                                                              // linear C' -> 1 on pooled u
        };
        long axes = c.SeparateAxisProjections ? 2 : 1;
        long fM = axes * (Cp * D + D), gM = axes * (D * Cp + Cp);                     // 1x1 convs
        long post = Cp * C * p * p + C;                                               // transposed conv C' -> C
        return 2 * transformer + 2 * patchConv + importance + fM + gM + post;
    }
}
