// session48-block-ablation.cs: where the small autoencoder's exact step spends its time, one TimeSformer block at a
// time (issue 18, session 48). A copy of TimeSformerBlock at the small preset's batch-4 shapes (tokens [4, 16, 64, 96],
// 3 heads of 32, GEGLU x4), forward and backward, with parts switched off one at a time: the attention core (q + k + v
// in place of scaled_dot_product_attention), the GEGLU gate (a + g in place of a * gelu(g)), the three layer norms,
// the two permute copies between the time and space sequences, all four; the gate as one fused C kernel
// (session48-geglu.c, not kept); q, k and v made contiguous before attention (one copy of qkv's output). The
// variants take turns (30 rounds of 3 timed repeats each), medians printed.
// Run: a console project (net10.0) referencing src/Cmd/Cmd.csproj with this file as Program.cs, the patched
// libLibTorchSharp.so copied from the CLI's bin (runtimes/linux-x64/native), and
//   gcc -O3 -ffast-math -fopenmp -fPIC -c session48-geglu.c -o geglu.o
//   gcc -shared -o libcmd_geglu.so geglu.o -L<libtorch native dir> -l:libgomp-98b21ff3.so.1 -lmvec -lm
// beside it (CMD_GEGLU=path); MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Cmd.Models.Backbones;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

Cmd.Runtime.KernelCapability.Apply();
Cmd.Runtime.NativeMemory.KeepFreedMemory();
Cmd.Runtime.ConvolutionCheck.Apply();
torch.set_num_threads(2);
NativeLibrary.SetDllImportResolver(typeof(Geglu).Assembly, (name, _, _) => name == "cmd_geglu"
    ? NativeLibrary.Load(Environment.GetEnvironmentVariable("CMD_GEGLU") ?? "./libcmd_geglu.so") : IntPtr.Zero);
manual_seed(0);

var real = new TimeSformerBlock(96, 3, 32, 4);
var copy = new BlockCopy();
var x = randn(4, 16, 64, 96).requires_grad_();
Tensor With(Action<BlockCopy> set)
{
    set(copy);
    try { return copy.Run(x); }
    finally
    {
        copy.Contiguous = copy.NoAttention = copy.NoGate = copy.NoNorms = copy.NoPermutes = copy.FusedGate = false;
    }
}
var variants = new (string, Func<Tensor>)[]
{
    ("TimeSformerBlock", () => real.call(x)),
    ("copy of it", () => copy.Run(x)),
    ("contiguous q, k, v", () => With(c => c.Contiguous = true)),
    ("no attention core", () => With(c => c.NoAttention = true)),
    ("no GEGLU gate", () => With(c => c.NoGate = true)),
    ("fused GEGLU gate", () => With(c => c.FusedGate = true)),
    ("no layer norms", () => With(c => c.NoNorms = true)),
    ("no permutes", () => With(c => c.NoPermutes = true)),
    ("all four off", () => With(c => c.NoAttention = c.NoGate = c.NoNorms = c.NoPermutes = true)),
};
using (var check = NewDisposeScope())
{
    var a = randn(64, 384).requires_grad_(); var g = randn(64, 384).requires_grad_(); var w = randn(64, 384);
    (a * nn.functional.gelu(g) * w).sum().backward();
    var (ga, gg) = (a.grad!.clone(), g.grad!.clone());
    a.grad!.zero_(); g.grad!.zero_();
    var y = Geglu.apply(a, g);
    (y * w).sum().backward();
    static float Largest(Tensor d) => d.abs().max().item<float>();
    Console.WriteLine($"fused gate vs libtorch, largest difference: y {Largest(a * nn.functional.gelu(g) - y):E1}, "
        + $"grad a {Largest(ga - a.grad!):E1}, grad g {Largest(gg - g.grad!):E1}");
}
var times = variants.ToDictionary(v => v.Item1, v => new List<double>());
for (int round = 0; round < 30; round++)
    foreach (var (name, f) in variants)
        for (int i = 0; i < 4; i++)
        {
            using var scope = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            f().sum().backward();
            sw.Stop();
            if (i >= 1) times[name].Add(sw.Elapsed.TotalMilliseconds);
        }
double whole = Median(times["copy of it"]);
foreach (var (name, ts) in times)
    Console.WriteLine($"{name,-18} {Median(ts),7:F2} ms  ({100 * (whole - Median(ts)) / whole,5:F1}% less than the "
        + "copy)");
static double Median(List<double> ts) { var s = ts.Order().ToList(); return s[s.Count / 2]; }

/// <summary>TimeSformerBlock's Divided, op for op, with switches.</summary>
sealed class BlockCopy : nn.Module
{
    public bool Contiguous, NoAttention, NoGate, FusedGate, NoNorms, NoPermutes;
    readonly LayerNorm timeNorm = nn.LayerNorm(96), spaceNorm = nn.LayerNorm(96), ffNorm = nn.LayerNorm(96);
    readonly Linear timeQkv = nn.Linear(96, 288), timeProj = nn.Linear(96, 96);
    readonly Linear spaceQkv = nn.Linear(96, 288), spaceProj = nn.Linear(96, 96);
    readonly Linear fc1 = nn.Linear(96, 768), fc2 = nn.Linear(384, 96);
    public BlockCopy() : base(nameof(BlockCopy)) { RegisterComponents(); }

    Tensor Norm(LayerNorm norm, Tensor t) => NoNorms ? t : norm.call(t);

    Tensor Attention(Linear qkv, Linear proj, Tensor t)
    {
        long s = t.shape[0], n = t.shape[1];
        if (Contiguous)
        {
            var c = qkv.call(t).view(s, n, 3, 3, 32).permute(2, 0, 3, 1, 4).contiguous().unbind(0);
            var attended = nn.functional.scaled_dot_product_attention(c[0], c[1], c[2]);
            return proj.call(attended.transpose(1, 2).reshape(s, n, 96));
        }
        var p = qkv.call(t).view(s, n, 3, 3, 32).unbind(2);
        var o = NoAttention ? p[0] + p[1] + p[2]
            : nn.functional.scaled_dot_product_attention(p[0].transpose(1, 2), p[1].transpose(1, 2),
                p[2].transpose(1, 2)).transpose(1, 2);
        return proj.call(o.reshape(s, n, 96));
    }

    Tensor FeedForward(Tensor t)
    {
        var a = nn.functional.linear(t, fc1.weight!.narrow(0, 0, 384), fc1.bias!.narrow(0, 0, 384));
        var g = nn.functional.linear(t, fc1.weight.narrow(0, 384, 384), fc1.bias.narrow(0, 384, 384));
        return fc2.call(NoGate ? a + g : FusedGate ? Geglu.apply(a, g) : a * nn.functional.gelu(g));
    }

    public Tensor Run(Tensor x)
    {
        long b = x.shape[0], l = x.shape[1], n = x.shape[2], c = x.shape[3];
        var t = NoPermutes ? x.reshape(b * n, l, c) : x.permute(0, 2, 1, 3).reshape(b * n, l, c);
        t = t + Attention(timeQkv, timeProj, Norm(timeNorm, t));
        var s = NoPermutes ? t.view(b * l, n, c) : t.view(b, n, l, c).permute(0, 2, 1, 3).reshape(b * l, n, c);
        s = s + Attention(spaceQkv, spaceProj, Norm(spaceNorm, s));
        s = s + FeedForward(Norm(ffNorm, s));
        return s.view(b, l, n, c);
    }
}

/// <summary>a * gelu(g) and its backward, one pass each, in session48-geglu.c.</summary>
sealed class Geglu : autograd.SingleTensorFunction<Geglu>
{
    [DllImport("LibTorchSharp")] static extern IntPtr THSTensor_data(IntPtr tensor);
    [DllImport("cmd_geglu")] static extern void cmd_geglu_forward(IntPtr a, IntPtr g, IntPtr y, long n);
    [DllImport("cmd_geglu")]
    static extern void cmd_geglu_backward(IntPtr go, IntPtr a, IntPtr g, IntPtr ga, IntPtr gg, long n);
    static IntPtr Data(Tensor t) => THSTensor_data(t.Handle);
    public override string Name => "Geglu";

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (a, g) = (((Tensor)vars[0]).contiguous(), ((Tensor)vars[1]).contiguous());
        var y = empty_like(a);
        cmd_geglu_forward(Data(a), Data(g), Data(y), a.numel());
        ctx.save_for_backward([a, g]);
        return y;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor go)
    {
        var saved = ctx.get_saved_variables();
        var (a, g) = (saved[0], saved[1]);
        go = go.contiguous();
        var (ga, gg) = (empty_like(a), empty_like(g));
        cmd_geglu_backward(Data(go), Data(a), Data(g), Data(ga), Data(gg), a.numel());
        return [ga, gg];
    }
}
