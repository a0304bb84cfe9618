using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Denoisers;

/// <summary>Scalar timesteps to vectors: 256 sinusoidal frequencies then a 2-layer SiLU MLP (DiT `TimestepEmbedder`).</summary>
public sealed class TimestepEmbedder : nn.Module<Tensor, Tensor>
{
    public readonly int FrequencyEmbeddingSize;
    readonly Sequential mlp;

    public TimestepEmbedder(int hiddenSize, int frequencyEmbeddingSize = 256) : base(nameof(TimestepEmbedder))
    {
        FrequencyEmbeddingSize = frequencyEmbeddingSize;
        mlp = nn.Sequential(nn.Linear(frequencyEmbeddingSize, hiddenSize), nn.SiLU(), nn.Linear(hiddenSize, hiddenSize));
        RegisterComponents();
    }

    public Sequential Mlp => mlp;

    /// <summary>GLIDE sinusoidal embedding: [cos(t f), sin(t f)] with f = exp(-ln(maxPeriod) k / half).</summary>
    public static Tensor TimestepEmbedding(Tensor t, int dim, double maxPeriod = 10000)
    {
        var half = dim / 2;
        var freqs = exp(-Math.Log(maxPeriod) * arange(0, half, dtype: float32, device: t.device) / half);
        var args = t.unsqueeze(1).to(float32) * freqs.unsqueeze(0);
        var embedding = cat([cos(args), sin(args)], -1);
        if (dim % 2 == 1) embedding = cat([embedding, zeros_like(embedding[.., ..1])], -1);
        return embedding;
    }

    public override Tensor forward(Tensor t) => mlp.call(TimestepEmbedding(t, FrequencyEmbeddingSize));
}
