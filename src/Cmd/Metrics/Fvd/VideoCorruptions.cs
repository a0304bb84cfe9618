using static TorchSharp.torch;

namespace Cmd.Metrics.Fvd;

/// <summary>Corruptions of videos [N, L, C, H, W] in [-1, 1] at a level, for the FVD sanity curves.</summary>
public enum CorruptionKind { Noise, Blur, Shuffle }

public static class VideoCorruptions
{
    /// <summary>Levels of each kind for the sanity curve (level 0 = the clean clips).</summary>
    public static double[] Levels(CorruptionKind kind) => kind switch
    {
        CorruptionKind.Noise => [0, 0.05, 0.1, 0.2, 0.4, 0.8],   // Gaussian noise std (values span 2)
        CorruptionKind.Blur => [0, 0.5, 1, 1.5, 2, 3],            // Gaussian blur sigma in pixels
        _ => [0, 0.2, 0.4, 0.6, 0.8, 1.0],                        // fraction of frames moved to random places
    };

    public static string Unit(CorruptionKind kind) => kind switch
    {
        CorruptionKind.Noise => "noise std",
        CorruptionKind.Blur => "blur sigma (px)",
        _ => "fraction of frames shuffled",
    };

    public static Tensor Apply(Tensor videos, CorruptionKind kind, double level, long seed)
    {
        if (videos.dim() != 5) throw new ArgumentException($"videos must be [N, L, C, H, W], got [{string.Join(", ", videos.shape)}]");
        if (level < 0) throw new ArgumentException($"corruption level must be >= 0 (got {level})");
        if (level == 0) return videos.clone();
        return kind switch
        {
            CorruptionKind.Noise => Noise(videos, level, seed),
            CorruptionKind.Blur => Blur(videos, level),
            _ => Shuffle(videos, level, seed),
        };
    }

    public static Tensor Noise(Tensor videos, double std, long seed)
    {
        using var g = new TorchSharp.torch.Generator((ulong)seed);
        using var n = randn(videos.shape, generator: g);
        return (videos + std * n).clamp(-1, 1);
    }

    /// <summary>Separable Gaussian blur of every frame (radius ceil(3 sigma), reflect padding).</summary>
    public static Tensor Blur(Tensor videos, double sigma)
    {
        using var scope = NewDisposeScope();
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var k = arange(-radius, radius + 1, dtype: ScalarType.Float32);
        k = exp(-(k * k) / (2 * sigma * sigma));
        k = k / k.sum();
        long n = videos.shape[0], l = videos.shape[1], c = videos.shape[2], h = videos.shape[3], w = videos.shape[4];
        var x = videos.reshape(n * l * c, 1, h, w);
        x = nn.functional.pad(x, [radius, radius, radius, radius], TorchSharp.PaddingModes.Reflect);
        x = nn.functional.conv2d(x, k.view(1, 1, 1, -1));
        x = nn.functional.conv2d(x, k.view(1, 1, -1, 1));
        return x.reshape(n, l, c, h, w).MoveToOuterDisposeScope();
    }

    /// <summary>In each clip, round(fraction L) randomly chosen frames are permuted among their positions (a random derangement where possible).</summary>
    public static Tensor Shuffle(Tensor videos, double fraction, long seed)
    {
        var rng = new Random((int)(seed & 0x7fffffff));
        long n = videos.shape[0];
        int l = (int)videos.shape[1];
        int k = (int)Math.Round(Math.Clamp(fraction, 0, 1) * l);
        var order = new long[n * l];
        for (int i = 0; i < n; i++)
        {
            var perm = Enumerable.Range(0, l).ToArray();
            if (k >= 2)
            {
                var chosen = Enumerable.Range(0, l).OrderBy(_ => rng.Next()).Take(k).OrderBy(v => v).ToArray();
                var moved = chosen.ToArray();
                do { rng.Shuffle(moved); } while (moved.Zip(chosen).Any(p => p.First == p.Second) && k > 1 && rng.Next(100) < 98);
                for (int j = 0; j < k; j++) perm[chosen[j]] = moved[j];
            }
            for (int j = 0; j < l; j++) order[i * l + j] = i * l + perm[j];
        }
        using var idx = tensor(order);
        return videos.flatten(0, 1).index_select(0, idx).view(videos.shape);
    }
}
