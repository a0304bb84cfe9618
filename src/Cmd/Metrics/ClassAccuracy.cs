using static TorchSharp.torch;

namespace Cmd.Metrics;

/// <summary>How often a classifier finds the class a sample was generated for among its k most likely classes.</summary>
public static class ClassAccuracy
{
    /// <summary>Fraction of rows of <paramref name="logits"/> [N, K] whose top-k classes contain <paramref name="labels"/> [N].</summary>
    public static double TopK(Tensor logits, Tensor labels, int k)
    {
        if (logits.dim() != 2 || labels.dim() != 1 || logits.shape[0] != labels.shape[0])
            throw new ArgumentException($"logits must be [N, K] and labels [N]; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", labels.shape)}]");
        if (k < 1 || k > logits.shape[1]) throw new ArgumentException($"k must be in 1..{logits.shape[1]} (got {k})");
        using var scope = NewDisposeScope();
        var top = logits.topk(k, dim: 1).indexes;                               // [N, k]
        var hit = top.eq(labels.to(top.device).to(int64).unsqueeze(1)).any(1);  // [N]
        return hit.to(float64).mean().item<double>();
    }
}
