using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cmd.Models.Denoisers;

/// <summary>Class labels to vectors with an extra "null" class (index = NumClasses) and label dropout for classifier-free guidance.</summary>
public sealed class LabelEmbedder : nn.Module<Tensor, Tensor>
{
    public readonly int NumClasses;
    public readonly double DropoutProb;
    readonly Embedding embedding_table;

    public LabelEmbedder(int numClasses, int hiddenSize, double dropoutProb) : base(nameof(LabelEmbedder))
    {
        NumClasses = numClasses;
        DropoutProb = dropoutProb;
        embedding_table = nn.Embedding(numClasses + (dropoutProb > 0 ? 1 : 0), hiddenSize);
        RegisterComponents();
    }

    public Embedding Table => embedding_table;

    /// <summary>Replaces labels by the null class: at random with DropoutProb, or where forceDropIds == 1.</summary>
    public Tensor TokenDrop(Tensor labels, Tensor? forceDropIds = null)
    {
        var drop = forceDropIds is null ? rand(labels.shape[0], device: labels.device) < DropoutProb : forceDropIds.eq(1);
        return where(drop, full_like(labels, NumClasses), labels);
    }

    public Tensor Forward(Tensor labels, bool train, Tensor? forceDropIds = null)
    {
        var max = labels.numel() == 0 ? 0 : labels.max().item<long>();
        var min = labels.numel() == 0 ? 0 : labels.min().item<long>();
        var rows = embedding_table.weight!.shape[0];
        if (min < 0 || max >= rows)
            throw new ArgumentException($"class label out of range: labels must lie in [0, {rows - 1}] (got {min}..{max})");
        if ((train && DropoutProb > 0) || forceDropIds is not null) labels = TokenDrop(labels, forceDropIds);
        return embedding_table.call(labels);
    }

    public override Tensor forward(Tensor labels) => Forward(labels, training);
}
