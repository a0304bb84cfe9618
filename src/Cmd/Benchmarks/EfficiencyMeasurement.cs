using System.Globalization;
using System.Text;
using Cmd.Metrics.Efficiency;
using Cmd.Models.Autoencoder;
using Cmd.Models.Denoisers;
using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Benchmarks;

/// <summary>A measured network: forward time (at the sampler's batch), training-step time, peak memory, profiled FLOPs.</summary>
public sealed record MeasuredRow(string Method, string Part, string Network, int Steps, int Batch, Measurement Forward, Measurement? TrainStep,
    double ProfiledForwardFlops, long RssBeforeBytes)
{
    public double SamplingSeconds => Forward.MedianSeconds * Steps;
}

/// <summary>
/// Times the networks of a setting that runs here (tiny, small): each network's forward pass at the batch the
/// sampler uses for <c>videos</c> videos at once (CmdSampler batches the videos and the CFG pair: 2 x videos for
/// the guided networks) x steps = its share of sampling time, and one training step (forward, backward, Adam) at
/// batch 1, with the process's peak resident memory while it ran and the FLOPs the profiler counted on the real layers.
/// </summary>
public static class EfficiencyMeasurement
{
    public sealed record Result(EfficiencySetting Setting, IReadOnlyList<MeasuredRow> Rows, IReadOnlyList<string> Missing, int Videos = 1)
    {
        /// <summary>Sampling seconds of a method (steps x measured forward, summed over its networks).</summary>
        public double SamplingSeconds(string method) => Rows.Where(r => r.Method == method).Sum(r => r.SamplingSeconds);

        /// <summary>Measured cubic / CMD sampling time.</summary>
        public double Speedup => SamplingSeconds("cubic") / SamplingSeconds("CMD");

        public string Format()
        {
            var sb = new StringBuilder();
            sb.AppendLine();
            sb.AppendLine($"measured here ({Environment.ProcessorCount} threads, {torch.get_num_threads()} torch threads), preset {Setting.Name}, {Videos} video{(Videos == 1 ? "" : "s")} at once: median of timed runs after one warm-up");
            sb.AppendLine($"  {"method",-6} {"part",-14} {"network",-34} {"s/fwd",8} {"batch",6} {"steps",6} {"sample s",9} {"train s/step",13} {"peak RSS GB",12} {"GFLOPs/fwd",11} {"GFLOP/s",8}");
            foreach (var r in Rows)
            {
                string train = r.TrainStep is null ? "-" : r.TrainStep.MedianSeconds.ToString("F3", CultureInfo.InvariantCulture);
                long peak = Math.Max(r.Forward.PeakRssBytes, r.TrainStep?.PeakRssBytes ?? 0);
                double rate = r.ProfiledForwardFlops / r.Forward.MedianSeconds / 1e9;
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {r.Method,-6} {r.Part,-14} {r.Network,-34} {r.Forward.MedianSeconds,8:F4} {r.Batch,6} {r.Steps,6} {r.SamplingSeconds,9:F2} {train,13} {peak / 1e9,12:F2} {r.ProfiledForwardFlops / 1e9,11:F3} {rate,8:F1}"));
            }
            foreach (var m in Missing) sb.AppendLine($"  not measured: {m}");
            double cmd = Rows.Where(r => r.Method == "CMD").Sum(r => r.SamplingSeconds), cubic = Rows.Where(r => r.Method == "cubic").Sum(r => r.SamplingSeconds);
            if (cmd > 0 && cubic > 0)
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  sampling time (steps x measured forward): CMD {cmd:F2} s, cubic {cubic:F2} s, ratio {cubic / cmd:F1}x"));
            return sb.ToString();
        }
    }

    /// <param name="videos">Videos sampled at once (the forward batches are this many, x 2 with guidance).</param>
    /// <param name="trainSteps">Also time a training step of each network (at batch 1).</param>
    public static Result Run(EfficiencySetting s, Device device, int repeats = 3, int videos = 1, bool trainSteps = true)
    {
        if (videos < 1) throw new ArgumentException($"videos must be >= 1 (got {videos})");
        var rows = new List<MeasuredRow>();
        var missing = new List<string>();
        foreach (var build in Builders)
        {
            using var n = build(s, device, videos); // one network in memory at a time, so each peak RSS is its own
            rows.Add(Measure(n, repeats, trainSteps));
        }
        return new Result(s, rows, missing, videos);
    }

    /// <summary>
    /// The forwards of all networks at once in memory, timed in turn (<see cref="Interleaved"/>: one forward of each
    /// network per round, after one warm-up each), so CMD's and the cubic DiT's times see the same minutes of a machine
    /// whose speed drifts; no training steps. Peak memory is the process's over all of them.
    /// </summary>
    public static Result RunInTurn(EfficiencySetting s, Device device, int repeats = 3, int videos = 1)
    {
        if (videos < 1) throw new ArgumentException($"videos must be >= 1 (got {videos})");
        long before = PeakRss.Current();
        var networks = new List<MeasurableNetwork>();
        try
        {
            foreach (var build in Builders) networks.Add(build(s, device, videos));
            var flops = networks.Select(ProfiledFlops).ToList();
            var sides = networks.Select(n =>
            {
                n.Module.eval();
                Forward(n);                                                          // warm-up
                return Interleaved.Side.Local(n.Name, () => Forward(n));
            }).ToList();
            GC.Collect();
            var times = Interleaved.Run(sides, repeats);
            long peak = PeakRss.Read();
            return new Result(s, networks.Select((n, i) => new MeasuredRow(n.Method, n.Part, n.Name, n.Steps, n.Batch,
                new Measurement(times[i].Median, times[i].Min, repeats, peak, PeakIsPerRun: false), null, flops[i],
                before)).ToList(), [], videos);
        }
        finally { foreach (var n in networks) n.Dispose(); }
    }

    /// <summary>The networks a setting samples with, in the order the rows list them.</summary>
    static readonly Func<EfficiencySetting, Device, int, MeasurableNetwork>[] Builders =
        [ContentNetwork, MotionNetwork, AutoencoderNetwork, CubicNetwork];

    static void Forward(MeasurableNetwork n)
    {
        using (no_grad()) { using var scope = NewDisposeScope(); n.Forward(); }
    }

    static double ProfiledFlops(MeasurableNetwork n)
    {
        using var prof = new FlopProfiler(n.Module);
        Forward(n);
        return prof.Total;
    }

    static MeasuredRow Measure(MeasurableNetwork n, int repeats, bool trainSteps)
    {
        long before = PeakRss.Current();
        double flops = ProfiledFlops(n);
        n.Module.eval();
        var forward = Measurement.Run(() => Forward(n), warmup: 1, repeats: repeats);
        Measurement? train = null;
        if (trainSteps && n.Loss is not null)
        {
            n.Module.train();
            using var opt = optim.Adam(n.Module.parameters(), lr: 1e-4);
            train = Measurement.Run(() =>
            {
                using var scope = NewDisposeScope();
                opt.zero_grad();
                n.Loss().backward();
                opt.step();
            }, warmup: 1, repeats: repeats);
        }
        return new MeasuredRow(n.Method, n.Part, n.Name, n.Steps, n.Batch, forward, train, flops, before);
    }

    static MeasurableNetwork ContentNetwork(EfficiencySetting s, Device device, int videos)
    {
        if (s.LatentHeight != s.LatentWidth) throw new ArgumentException($"--measure: the content DiT is square; preset {s.Name} has {s.LatentHeight}x{s.LatentWidth} latents (use tiny or small)");
        var cfg = new DiTConfig(InputSize: s.LatentHeight, PatchSize: s.Content.Patch, InChannels: s.LatentChannels, HiddenSize: s.Content.Hidden,
            Depth: s.Content.Depth, NumHeads: s.Content.Heads, MlpRatio: s.Content.MlpRatio, NumClasses: 10);
        var model = new DiT(cfg);
        model.to(device);
        int g = (s.Guidance ? 2 : 1) * videos;
        var x = randn(new long[] { g, cfg.InChannels, cfg.InputSize, cfg.InputSize }, device: device);
        var t = full(new long[] { g }, 10L, device: device);
        var y = zeros(new long[] { g }, ScalarType.Int64, device: device);
        var x1 = randn(new long[] { 1, cfg.InChannels, cfg.InputSize, cfg.InputSize }, device: device);
        return new MeasurableNetwork("CMD", "content frame", s.Content.Name, model, s.ContentSteps, g,
            () => model.call(x, t, y),
            () => nn.functional.mse_loss(model.call(x1, t[..1], y[..1])[.., ..cfg.InChannels], x1),
            [x, t, y, x1]);
    }

    static MeasurableNetwork MotionNetwork(EfficiencySetting s, Device device, int videos)
    {
        var cfg = s.MotionConfig();
        var model = new MotionDiT(cfg);
        model.to(device);
        var z = randn(new long[] { videos, cfg.LatentChannels, cfg.Frames, cfg.GridHeight + cfg.GridWidth }, device: device);
        var content = randn(new long[] { videos, cfg.ContentChannels, cfg.ContentHeight, cfg.ContentWidth }, device: device);
        var t = full(new long[] { videos }, 10L, device: device);
        var y = zeros(new long[] { videos }, ScalarType.Int64, device: device);
        return new MeasurableNetwork("CMD", "motion latent", s.Motion.Name, model, s.MotionSteps, videos,
            () => model.call(z, t, content, y),
            () => nn.functional.mse_loss(model.call(z[..1], t[..1], content[..1], y[..1])[.., ..cfg.LatentChannels], z[..1]),
            [z, content, t, y]);
    }

    static MeasurableNetwork CubicNetwork(EfficiencySetting s, Device device, int videos)
    {
        var cfg = s.CubicConfig();
        var model = new CubicVideoDiT(cfg);
        model.to(device);
        int g = (s.Guidance ? 2 : 1) * videos;
        var x = randn(new long[] { g, cfg.Channels, cfg.Frames, cfg.Height, cfg.Width }, device: device);
        var t = full(new long[] { g }, 10L, device: device);
        var y = zeros(new long[] { g }, ScalarType.Int64, device: device);
        return new MeasurableNetwork("cubic", "video", $"{s.Cubic.Name} factorised", model, s.CubicSteps, g,
            () => model.call(x, t, y),
            () => nn.functional.mse_loss(model.call(x[..1], t[..1], y[..1])[.., ..cfg.Channels], x[..1]),
            [x, t, y]);
    }

    static MeasurableNetwork AutoencoderNetwork(EfficiencySetting s, Device device, int videos)
    {
        var cfg = s.Autoencoder;
        var model = new CmdAutoencoder(cfg);
        model.to(device);
        var video = (rand(new long[] { videos, cfg.Frames, cfg.Channels, cfg.Height, cfg.Width }, device: device) * 2 - 1);
        AutoencoderEncoding? e;
        using (no_grad()) e = model.Encode(video);
        var (c, zx, zy) = (e.ContentFrame.detach(), e.Zx.detach(), e.Zy.detach());
        return new MeasurableNetwork("CMD", "decoder", $"autoencoder {cfg.Name} (decode; train = AE step)", model, 1, videos,
            () => model.Decode(c, zx, zy),
            () => model.Loss(video[..1]),
            [video, c, zx, zy]);
    }
}

/// <summary>A network with the inputs it is measured on: Forward (no grad) and Loss (for a training step).</summary>
public sealed class MeasurableNetwork(string method, string part, string name, nn.Module module, int steps, int batch,
    Func<Tensor> forward, Func<Tensor>? loss, IEnumerable<Tensor> owned) : IDisposable
{
    public string Method => method;
    public string Part => part;
    public string Name => name;
    public nn.Module Module => module;
    public int Steps => steps;
    public int Batch => batch;
    public Tensor Forward() => forward();
    public Func<Tensor>? Loss => loss;

    public void Dispose()
    {
        foreach (var t in owned) t.Dispose();
        module.Dispose();
    }
}
