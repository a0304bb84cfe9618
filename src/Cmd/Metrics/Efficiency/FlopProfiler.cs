using Cmd.Models.Autoencoder;
using Cmd.Models.Backbones;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace Cmd.Metrics.Efficiency;

/// <summary>One counted layer call: module path, kind and FLOPs.</summary>
public sealed record LayerCall(string Path, string Kind, double Flops);

/// <summary>
/// Counts the FLOPs a model really executes by hooking its layers and running it: every Linear (2 rows in out),
/// Conv1d/2d/3d and PatchConv2d (2 positions Cout Cin/g k), ConvTranspose1d/2d/3d and PatchConvTranspose2d (2 input positions Cin Cout/g k), and the attention behind every Linear named <c>qkv</c>
/// (input [..., L, D] -> 3D: Q K^T and A V, 4 B L^2 D). Exact for the models here, which compute attention with
/// scaled_dot_product_attention right after a fused <c>qkv</c> projection (DiT / ViT / TimeSformer convention).
/// Use it on presets that run; <see cref="ModelFlops"/> counts paper-sized models analytically and is checked
/// against this profiler on the small presets.
/// </summary>
public sealed class FlopProfiler : IDisposable
{
    readonly List<IDisposable> handles = new();
    readonly List<LayerCall> calls = new();

    public IReadOnlyList<LayerCall> Calls => calls;
    public double Total => calls.Sum(c => c.Flops);
    public double TotalOf(string kind) => calls.Where(c => c.Kind == kind).Sum(c => c.Flops);

    public FlopProfiler(Module model)
    {
        var modules = model.named_modules().ToList();
        if (!modules.Any(m => ReferenceEquals(m.Item2, model))) modules.Insert(0, ("", model));
        foreach (var (name, module) in modules)
        {
            switch (module)
            {
                case Linear linear:
                    bool qkv = name == "qkv" || name.EndsWith(".qkv");
                    handles.Add(Hook(linear, (input, output) =>
                    {
                        long inF = input.shape[^1], outF = output.shape[^1];
                        double rows = input.numel() / inF;
                        calls.Add(new LayerCall(name, "linear", LayerFlops.Linear(rows, inF, outF)));
                        if (qkv && input.dim() >= 3)
                        {
                            long length = input.shape[^2];
                            calls.Add(new LayerCall(name, "attention", LayerFlops.Attention(rows / length, length, length, outF / 3)));
                        }
                    }));
                    break;
                case TimeSformerFeedForward ff: // computes fc1 as two products on its weight's halves, not through fc1.call
                    handles.Add(Hook(ff, (input, output) =>
                    {
                        var w = ff.get_parameter("fc1.weight")!; // [2 hidden, dim]
                        double rows = input.numel() / w.shape[1];
                        calls.Add(new LayerCall(name + ".fc1", "linear", LayerFlops.Linear(rows, w.shape[1], w.shape[0])));
                    }));
                    break;
                case TimeSformerAttention attention: // the content keys' k, v and attention (TimeSformerAttention.Attend)
                    Action<long, long, long, long, long> counted = (contextTokens, sequences, queries, contextLength, inner) =>
                    {
                        calls.Add(new LayerCall(name + ".qkv", "linear", LayerFlops.Linear(contextTokens, attention.Width, 2 * inner)));
                        calls.Add(new LayerCall(name, "attention", LayerFlops.Attention(sequences, queries, contextLength, inner)));
                    };
                    attention.ContextAttended += counted;
                    handles.Add(new Remover(() => attention.ContextAttended -= counted));
                    break;
                case TorchSharp.Modules.Conv1d or TorchSharp.Modules.Conv2d or TorchSharp.Modules.Conv3d or PatchConv2d:
                    var conv = (Module<Tensor, Tensor>)module;
                    handles.Add(Hook(conv, (input, output) =>
                    {
                        var w = conv.get_parameter("weight")!; // [Cout, Cin/g, k...]
                        long kernel = w.shape.Skip(2).Aggregate(1L, (a, b) => a * b);
                        double positions = output.numel() / output.shape[output.dim() == w.dim() ? 1 : 0];
                        calls.Add(new LayerCall(name, "conv", 2.0 * positions * w.shape[0] * w.shape[1] * kernel));
                    }));
                    break;
                case TorchSharp.Modules.ConvTranspose1d or TorchSharp.Modules.ConvTranspose2d or TorchSharp.Modules.ConvTranspose3d or PatchConvTranspose2d:
                    var convT = (Module<Tensor, Tensor>)module;
                    handles.Add(Hook(convT, (input, output) =>
                    {
                        var w = convT.get_parameter("weight")!; // [Cin, Cout/g, k...]: every input position scatters Cout/g x k outputs
                        long kernel = w.shape.Skip(2).Aggregate(1L, (a, b) => a * b);
                        double positions = input.numel() / input.shape[input.dim() == w.dim() ? 1 : 0];
                        calls.Add(new LayerCall(name, "conv", 2.0 * positions * w.shape[0] * w.shape[1] * kernel));
                    }));
                    break;
            }
        }
    }

    static IDisposable Hook(Module<Tensor, Tensor> module, Action<Tensor, Tensor> record)
    {
        var handle = module.register_forward_hook((m, input, output) => { record(input, output); return output; });
        return new Remover(() => handle.remove());
    }

    public void Reset() => calls.Clear();

    public void Dispose()
    {
        foreach (var h in handles) h.Dispose();
        handles.Clear();
    }

    sealed class Remover(Action remove) : IDisposable { public void Dispose() => remove(); }
}
