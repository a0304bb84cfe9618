using static TorchSharp.torch;

namespace Cmd.Tests.Models.Denoisers;

/// <summary>Shared set-up of the denoiser tests.</summary>
public static class DenoiserFixtures
{
    /// <summary>adaLN-Zero starts every block at the identity and the output at zero: give the zero-initialised layers values.</summary>
    public static void Wake(nn.Module m)
    {
        manual_seed(3);
        using var _ = no_grad();
        foreach (var (name, p) in m.named_parameters())
            if (p.requires_grad && p.abs().sum().item<float>() == 0) p.normal_(0, 0.05);
    }
}
