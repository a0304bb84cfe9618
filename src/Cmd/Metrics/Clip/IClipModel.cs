using static TorchSharp.torch;

namespace Cmd.Metrics.Clip;

/// <summary>CLIP's two towers, as OpenAI's models expose them: <c>encode_image</c> and <c>encode_text</c>.</summary>
public interface IClipModel : IDisposable
{
    /// <summary>The model file's name: every CLIPSIM the workbench prints names it.</summary>
    string Name { get; }

    /// <summary>How the file is run ("TorchScript" or "rebuilt from the TorchScript weights").</summary>
    string Runner { get; }

    /// <summary>Side of the square images encode_image takes (224 for ViT-B/32).</summary>
    int InputResolution { get; }

    /// <summary>Image embeddings [B, D] (float32, CPU, not normalised) of preprocessed images [B, 3, R, R] (see <see cref="ClipPreprocess"/>).</summary>
    Tensor EncodeImage(Tensor images);

    /// <summary>Text embeddings [B, D] (float32, CPU, not normalised) of token rows [B, 77] int64 (see <see cref="ClipTokenizer.Tokenize"/>).</summary>
    Tensor EncodeText(Tensor tokens);
}
