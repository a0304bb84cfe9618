namespace Cmd.Data;

/// <summary>
/// A small, fully specified PRNG (SplitMix64) so that generated data and shuffles are bit-identical
/// across .NET versions and machines for the same seed (System.Random gives no such promise).
/// </summary>
public sealed class SeededRandom
{
    ulong state;

    public SeededRandom(long seed) { state = (ulong)seed; }

    /// <summary>A generator for stream <paramref name="stream"/> of <paramref name="seed"/> (e.g. clip index): independent per stream.</summary>
    public static SeededRandom For(long seed, long stream)
    {
        var mixer = new SeededRandom(seed);
        ulong a = mixer.NextUInt64();
        return new SeededRandom((long)(a ^ Mix((ulong)stream + 0x632BE59BD9B4E019UL)));
    }

    public ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int Next(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive));
        return (int)((NextUInt64() >> 11) % (ulong)maxExclusive); // bias < 2^-22 for int ranges
    }

    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Fisher-Yates permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
