using static TorchSharp.torch;

namespace Cmd.Runtime;

/// <summary>
/// libtorch's CPU attention (scaled_dot_product_attention's flash kernel) sends its many small block products through
/// oneDNN, one primitive each, once float32 products use bfloat16 (<see cref="MatmulPrecision"/>): 12-18x slower at
/// the autoencoder's shapes (2026-12-06, Intel Xeon with AMX). <see cref="Attention"/> runs it at IEEE in the forward
/// and, through two identity autograd nodes, in the backward: the node on its output stores the precision and sets
/// IEEE before attention's backward, the node on an input restores it right after. That order holds because
/// libtorch's CPU engine runs a backward on one thread and, of the ready nodes, the one created last first: both
/// nodes are created next to attention, after everything that produced its inputs.
/// </summary>
public static class PrecisionFence
{
    /// <summary>scaled_dot_product_attention(q, k, v) at IEEE, forward and backward.</summary>
    public static Tensor Attention(Tensor q, Tensor k, Tensor v)
    {
        if (MatmulPrecision.Current == Fp32Matmul.Ieee) return nn.functional.scaled_dot_product_attention(q, k, v);
        var before = new Box(MatmulPrecision.Current);
        bool tracked = is_grad_enabled() && (q.requires_grad || k.requires_grad || v.requires_grad);
        if (tracked)                                                         // one input node: they are all made here
        {
            if (v.requires_grad) v = Switch.apply(v, before, false);
            else if (k.requires_grad) k = Switch.apply(k, before, false);
            else q = Switch.apply(q, before, false);
        }
        Tensor o;
        using (MatmulPrecision.Use(Fp32Matmul.Ieee)) o = nn.functional.scaled_dot_product_attention(q, k, v);
        return tracked ? Switch.apply(o, before, true) : o;
    }

    /// <summary>The precision the backward returns to after attention's: the one when the output node ran.</summary>
    sealed class Box(Fp32Matmul value)
    {
        public Fp32Matmul Value = value;
    }

    /// <summary>The identity; backward on the output (exact: true) keeps the precision and sets IEEE, on an input it
    /// sets the kept one back. Never throws (TorchSharp calls it from native code).</summary>
    sealed class Switch : autograd.SingleTensorFunction<Switch>
    {
        public override string Name => "PrecisionSwitch";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            ctx.save_data("box", vars[1]);
            ctx.save_data("exact", vars[2]);
            return ((Tensor)vars[0]).alias();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
        {
            var box = (Box)ctx.get_data("box");
            if ((bool)ctx.get_data("exact"))
            {
                box.Value = MatmulPrecision.Current;
                MatmulPrecision.Write(Fp32Matmul.Ieee);
            }
            else MatmulPrecision.Write(box.Value);
            return [grad, null!, null!];                                      // none for the box and the flag
        }
    }
}
