using static TorchSharp.torch;

namespace Cmd.Models;

/// <summary>
/// Runs one transformer block in its own dispose scope and keeps only its output. TorchSharp frees a tensor when it is
/// disposed, so inside a caller's scope every temporary of every block would stay alive until the whole forward ends
/// (a cubic video DiT forward at 32 videos held 22 GB that way); here a block's temporaries go as soon as it returns.
/// Autograd keeps what the backward needs on its own, so training is unchanged.
/// </summary>
public static class BlockScope
{
    public static Tensor Run(Func<Tensor> block)
    {
        using var scope = NewDisposeScope();
        return block().MoveToOuterDisposeScope();
    }
}
