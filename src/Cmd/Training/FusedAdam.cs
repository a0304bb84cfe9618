using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>libtorch's fused Adam and AdamW kernels (one pass per parameter), compiled once as TorchScript.</summary>
public static class FusedAdam
{
    const string Script = """
def adam(params: List[Tensor], grads: List[Tensor], m: List[Tensor], v: List[Tensor], steps: List[Tensor],
         lr: float, beta1: float, beta2: float, weight_decay: float, eps: float):
    torch._fused_adam_(params, grads, m, v, [], steps, lr=lr, beta1=beta1, beta2=beta2,
                       weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)
    return params[0]

def adamw(params: List[Tensor], grads: List[Tensor], m: List[Tensor], v: List[Tensor], steps: List[Tensor],
          lr: float, beta1: float, beta2: float, weight_decay: float, eps: float):
    torch._fused_adamw_(params, grads, m, v, [], steps, lr=lr, beta1=beta1, beta2=beta2,
                        weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)
    return params[0]
""" + "\n"; // TorchScript wants a newline after the last statement

    static readonly Lazy<(jit.CompilationUnit? Unit, string? Problem)> kernel = new(() =>
    {
        try { return (jit.compile(Script), null); }
        catch (Exception e) { return (null, e.Message); }
    });

    /// <summary>The compiled kernels, or null when this libtorch has no TorchScript or no fused Adam.</summary>
    public static jit.CompilationUnit? Kernel => kernel.Value.Unit;

    /// <summary>Why <see cref="Kernel"/> is null (the TorchScript compiler's message), else null.</summary>
    public static string? Problem => kernel.Value.Problem;
}
