using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using Cmd.Presets;
using static TorchSharp.torch;

namespace Cmd.Pipeline;

/// <summary>One model the workbench knows: a name, what it is, and how to build it.</summary>
public sealed record ModelEntry(string Name, string Description, Func<nn.Module> Build);

/// <summary>Registry of every model and preset the workbench can build (for `workbench params`).</summary>
public static class ModelZoo
{
    static readonly Dictionary<string, ModelEntry> entries = new(StringComparer.OrdinalIgnoreCase);
    static readonly object gate = new();
    static bool seeded;

    /// <summary>Adds (or replaces) an entry. Other areas register their presets here.</summary>
    public static void Register(string name, string description, Func<nn.Module> build)
    {
        lock (gate) entries[name] = new ModelEntry(name, description, build);
    }

    public static IReadOnlyList<ModelEntry> All
    {
        get { Seed(); lock (gate) return entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal).ToList(); }
    }

    public static ModelEntry Get(string name)
    {
        Seed();
        lock (gate)
            if (entries.TryGetValue(name, out var entry)) return entry;
        throw new ArgumentException($"unknown model '{name}'; known models: {string.Join(", ", All.Select(e => e.Name))}");
    }

    /// <summary>The one parameter count of the workbench: sum(p.numel() for p in module.parameters()) as PyTorch counts, frozen
    /// parameters (e.g. the sin-cos pos_embed tables) included; <paramref name="trainableOnly"/> counts only those with requires_grad.</summary>
    public static long ParameterCount(this nn.Module module, bool trainableOnly = false) =>
        module.parameters().Where(p => !trainableOnly || p.requires_grad).Sum(p => p.numel());

    /// <summary>Builds the named model and counts its parameters (<see cref="ParameterCount"/>, frozen ones included unless
    /// <paramref name="trainableOnly"/>). It is built on the "meta" device (shapes only, no memory or init), so paper-sized
    /// presets count in milliseconds.</summary>
    public static long CountParameters(string name, bool trainableOnly = false) => CountOnMeta(Get(name).Build, trainableOnly);

    /// <summary>Counts the parameters of the model <paramref name="build"/> makes, built on the "meta" device.</summary>
    public static long CountOnMeta(Func<nn.Module> build, bool trainableOnly = false)
    {
        var previous = get_default_device();
        set_default_device(META);
        try
        {
            using var model = build();
            return model.ParameterCount(trainableOnly);
        }
        finally { set_default_device(previous); }
    }

    static void Seed()
    {
        lock (gate)
        {
            if (seeded) return;
            seeded = true;
            foreach (var (name, cfg) in DiTConfig.Official)
                entries[name] = new ModelEntry(name, $"DiT {name} at 256px (32x32x4 latents, learned sigma, 1000 classes)", () => new DiT(cfg));
            entries["DiT-tiny"] = new ModelEntry("DiT-tiny", "DiT tiny preset (8x8x4, 2 blocks, width 64, 10 classes)", () => new DiT(DiTConfig.Tiny));
            foreach (var preset in RunPresets.NamesWith(p => p.Content))
                entries[$"content-{preset}"] = new ModelEntry($"content-{preset}", $"content-frame DiT, preset {preset}", () => new DiT(RunPresets.ContentDiT(preset)));
            foreach (var preset in RunPresets.NamesWith(p => p.Motion))
                entries[$"motion-{preset}"] = new ModelEntry($"motion-{preset}", $"motion DiT, preset {preset} (Table 6 rows: ucf101, webvid-*)", () => new MotionDiT(RunPresets.Motion(preset)));
            foreach (var preset in RunPresets.NamesWith(p => p.Cubic))
                entries[$"cubic-{preset}"] = new ModelEntry($"cubic-{preset}", $"cubic video DiT baseline, preset {preset}", () => new CubicVideoDiT(RunPresets.Cubic(preset)));
            foreach (var preset in RunPresets.Names)
                entries[$"ae-{preset}"] = new ModelEntry($"ae-{preset}", $"CMD autoencoder, preset {preset} (Table 5 rows: ucf101, webvid-*)", () => new CmdAutoencoder(RunPresets.Autoencoder(preset)));
            foreach (var seeder in Seeders) seeder();
        }
    }

    /// <summary>Registration hooks of other model families, run once on first use.</summary>
    static readonly List<Action> Seeders = [];

    public static void AddSeeder(Action seeder)
    {
        lock (gate)
        {
            Seeders.Add(seeder);
            if (seeded) seeder();
        }
    }
}
