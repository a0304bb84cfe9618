namespace Cmd.Diffusion;

/// <summary>Named beta schedules (DiT / IDDPM `get_named_beta_schedule`), in float64.</summary>
public static class BetaSchedule
{
    public static double[] Named(string name, int steps) => name switch
    {
        // Ho et al. linear schedule, scaled so that any number of steps covers the same range.
        "linear" => Linspace(1000.0 / steps * 0.0001, 1000.0 / steps * 0.02, steps),
        "squaredcos_cap_v2" => ForAlphaBar(steps, t => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2)),
        _ => throw new ArgumentException($"unknown beta schedule '{name}' (known: linear, squaredcos_cap_v2)"),
    };

    /// <summary>numpy.linspace(start, end, n) in float64.</summary>
    public static double[] Linspace(double start, double end, int n)
    {
        var result = new double[n];
        var step = n > 1 ? (end - start) / (n - 1) : 0;
        for (int i = 0; i < n; i++) result[i] = start + i * step;
        if (n > 1) result[n - 1] = end;
        return result;
    }

    static double[] ForAlphaBar(int steps, Func<double, double> alphaBar, double maxBeta = 0.999)
    {
        var betas = new double[steps];
        for (int i = 0; i < steps; i++)
            betas[i] = Math.Min(1 - alphaBar((i + 1.0) / steps) / alphaBar((double)i / steps), maxBeta);
        return betas;
    }
}
