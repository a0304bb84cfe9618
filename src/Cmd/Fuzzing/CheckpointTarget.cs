using Cmd.IO;
using Cmd.Models.Autoencoder;
using Cmd.Presets;
using Cmd.Training;
using static TorchSharp.torch;

namespace Cmd.Fuzzing;

/// <summary>
/// Resume (<see cref="TrainingCheckpoint.Load"/>) of a real checkpoint of the tiny autoencoder after two training steps:
/// mutated bytes and mutated meaning (<see cref="StateMutations"/>). Before each input the model, optimizer and torch
/// generator are set to a known state; a refused checkpoint must leave all three as they were (else half-loaded), an
/// accepted one must restore exactly what the unmutated checkpoint holds.
/// </summary>
public class CheckpointTarget : SafeTensorsTarget
{
    protected AutoencoderConfig Config = RunPresets.Tiny.Autoencoder;
    protected CmdAutoencoder? Victim;
    AdamOptimizer? optimizer;
    protected Dictionary<string, Tensor> SeedTensors = [];
    protected Dictionary<string, string> SeedMeta = [];
    Dictionary<string, Tensor> baselineModel = [], baselineOptimizer = [];
    Tensor? baselineRng;
    string semanticPath = "";

    public override string Name => "checkpoint";
    public override string Description => "resume from a training checkpoint (model, Adam state, RNG state), all or nothing";

    public override void Prepare(string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        string run = Path.Combine(workDirectory, "seed-run");
        if (Directory.Exists(run)) Directory.Delete(run, recursive: true);
        manual_seed(3);
        using (var model = new CmdAutoencoder(Config))
        {
            var c = Config;
            AutoencoderTraining.Train(model, _ => rand(new long[] { 1, c.Frames, c.Channels, c.Height, c.Width }) * 2 - 1,
                AutoencoderTraining.Options(c) with { Steps = 2, Progress = false, OutDir = run, CheckpointEvery = 0 });
        }
        SeedPath = Path.Combine(run, TrainingCheckpoint.FileName);
        UseSeed(workDirectory);
        manual_seed(5);
        Victim = new CmdAutoencoder(Config);
        optimizer = AdamOptimizer.For(Victim, AutoencoderTraining.Options(Config));
        baselineModel = Victim.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        baselineOptimizer = optimizer.StateTensors().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        manual_seed(999);
        baselineRng = get_rng_state();
    }

    protected void UseSeed(string workDirectory)
    {
        Seed = File.ReadAllBytes(SeedPath);
        var file = SafeTensorsFile.Open(SeedPath);
        SeedTensors = file.ReadAll();
        SeedMeta = file.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        semanticPath = Path.Combine(workDirectory, "semantic.safetensors");
    }

    protected virtual bool IsCheckpoint => true;

    public override FuzzInput Generate(Random r)
    {
        if (r.Next(10) < 6) return One(Mutate(Seed, r));
        var tensors = SeedTensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var meta = new Dictionary<string, string>(SeedMeta);
        try
        {
            string what = StateMutations.Apply(tensors, meta, r, IsCheckpoint);
            SafeTensors.Save(semanticPath, tensors, meta);
            return One((File.ReadAllBytes(semanticPath), "meaning: " + what));
        }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
    }

    protected void Reset()
    {
        ModuleState.Copy(Victim!.state_dict(), baselineModel);
        optimizer!.CopyStateTensors(baselineOptimizer);
        set_rng_state(baselineRng!);
    }

    protected static bool Clean(Exception e, string dir) =>
        e is SafeTensorsException or StateDictMismatchException or CheckpointException or InvalidDataException && FuzzRunner.NamesFileIn(e, dir);

    public override (FuzzOutcome Outcome, string? Detail) Run(string inputDirectory)
    {
        string path = Path.Combine(inputDirectory, FileName);
        Reset();
        TrainingCheckpoint.Restored restored;
        try { restored = TrainingCheckpoint.Load(path, Victim!, optimizer); }
        catch (Exception e) when (Clean(e, inputDirectory))
        {
            string? changed = Changed(baselineModel, baselineOptimizer, baselineRng!);
            return changed is null ? (FuzzOutcome.CleanRejection, null) : (FuzzOutcome.HalfLoaded, $"{changed} after: {FuzzRunner.OneLine(e.Message)}");
        }
        var expectedModel = TrainingCheckpoint.ModelTensors(SeedTensors);
        var expectedOptimizer = SeedTensors.Where(kv => kv.Key.StartsWith(TrainingCheckpoint.OptimizerPrefix, StringComparison.Ordinal)).ToDictionary();
        string? diff = restored.Step != 2 ? $"step {restored.Step}" : Changed(expectedModel, expectedOptimizer, SeedTensors[TrainingCheckpoint.RngKey]);
        return diff is null ? (FuzzOutcome.AcceptedIdentical, null) : (FuzzOutcome.AcceptedDifferent, diff);
    }

    /// <summary>What of model, optimizer and generator differs from the given state, or null.</summary>
    string? Changed(Dictionary<string, Tensor> model, Dictionary<string, Tensor> optim, Tensor rng)
    {
        if (SafeTensorsTarget.Difference(model, Victim!.state_dict()) is string m) return "model: " + m;
        using var state = get_rng_state();
        if (!state.bytes.SequenceEqual(rng.bytes)) return "torch generator changed";
        var now = optimizer!.StateTensors();
        try { return SafeTensorsTarget.Difference(optim, now) is string o ? "optimizer: " + o : null; }
        finally { foreach (var (k, t) in now) if (k.EndsWith(".step", StringComparison.Ordinal)) t.Dispose(); }
    }

    public override void Dispose()
    {
        Victim?.Dispose();
        optimizer?.Dispose();
        base.Dispose();
    }
}

/// <summary>
/// Weights files (<see cref="TrainingCheckpoint.LoadWeights"/>, as Pipeline.ModelStore loads them, and the config in
/// their metadata): the tiny autoencoder's exported weights, mutated in bytes and meaning. A refused file must leave the
/// model as it was; an accepted one must give the same config and weights.
/// </summary>
public sealed class WeightsTarget : CheckpointTarget
{
    public override string Name => "weights";
    public override string Description => "weights files as ModelStore loads them (config metadata, tensors), all or nothing";
    protected override bool IsCheckpoint => false;

    public override void Prepare(string workDirectory)
    {
        base.Prepare(workDirectory);
        string weights = Path.Combine(workDirectory, "seed-weights.safetensors");
        TrainingCheckpoint.ExportWeights(SeedPath, weights);
        SeedPath = weights;
        foreach (var t in SeedTensors.Values) t.Dispose();
        UseSeed(workDirectory);
    }

    public override (FuzzOutcome Outcome, string? Detail) Run(string inputDirectory)
    {
        string path = Path.Combine(inputDirectory, FileName);
        Reset();
        var before = Victim!.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        try
        {
            AutoencoderConfig config;
            try
            {
                config = ModelMetadata.ReadAutoencoderConfig(path);
                TrainingCheckpoint.LoadWeights(Victim, path);
            }
            catch (Exception e) when (Clean(e, inputDirectory))
            {
                return SafeTensorsTarget.Difference(before, Victim.state_dict()) is string m
                    ? (FuzzOutcome.HalfLoaded, $"model: {m} after: {FuzzRunner.OneLine(e.Message)}") : (FuzzOutcome.CleanRejection, null);
            }
            string? diff = config != Config ? "config differs" : SafeTensorsTarget.Difference(SeedTensors, Victim.state_dict());
            return diff is null ? (FuzzOutcome.AcceptedIdentical, null) : (FuzzOutcome.AcceptedDifferent, diff);
        }
        finally { foreach (var t in before.Values) t.Dispose(); }
    }
}
