namespace Cmd.Diffusion;

/// <summary>Timestep respacing (IDDPM / DiT `space_timesteps`): which steps of the base process a shorter sampler keeps.</summary>
public static class Respacing
{
    /// <summary>"ddimN" gives the fixed DDIM stride; "a,b,c" (or "N") strides each equal section to that many steps.</summary>
    public static SortedSet<int> SpaceTimesteps(int numTimesteps, string sectionCounts)
    {
        if (string.IsNullOrWhiteSpace(sectionCounts)) return new SortedSet<int>(Enumerable.Range(0, numTimesteps));
        if (sectionCounts.StartsWith("ddim", StringComparison.Ordinal))
        {
            var desired = ParseCount(sectionCounts[4..], sectionCounts);
            for (int stride = 1; stride < numTimesteps; stride++)
                if ((numTimesteps + stride - 1) / stride == desired)
                    return new SortedSet<int>(Enumerable.Range(0, desired).Select(i => i * stride));
            throw new ArgumentException($"cannot create exactly {desired} steps from {numTimesteps} with an integer stride");
        }
        var counts = sectionCounts.Split(',').Select(s => ParseCount(s, sectionCounts)).ToArray();
        int sizePer = numTimesteps / counts.Length, extra = numTimesteps % counts.Length, start = 0;
        var steps = new SortedSet<int>();
        for (int i = 0; i < counts.Length; i++)
        {
            var size = sizePer + (i < extra ? 1 : 0);
            if (size < counts[i]) throw new ArgumentException($"cannot divide a section of {size} steps into {counts[i]}");
            var stride = counts[i] <= 1 ? 1.0 : (size - 1) / (double)(counts[i] - 1);
            var cur = 0.0;
            for (int k = 0; k < counts[i]; k++)
            {
                steps.Add(start + (int)Math.Round(cur, MidpointRounding.ToEven)); // Python's round()
                cur += stride;
            }
            start += size;
        }
        return steps;
    }

    static int ParseCount(string s, string whole) =>
        int.TryParse(s.Trim(), out var n) && n > 0 ? n : throw new ArgumentException($"bad timestep respacing '{whole}': expected 'ddimN' or comma-separated positive step counts");
}
