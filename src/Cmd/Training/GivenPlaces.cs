using System.Globalization;
using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>
/// Workbench switch, in neither paper nor code, for keypoint z
/// (<see cref="Models.Autoencoder.AutoencoderConfig.WarpKeypoints"/>): the motion DiT learns the shifts given the
/// places. A component's place in x̄ is a fact of the content frame, which the autoencoder reads off x̄ within a pixel
/// (<c>Pipeline.KeypointPlaces</c>), and in Moving MNIST the shifts must fit it (a digit bounces where it is:
/// <c>eval motion --probe borrow</c>). So the channels from K on of both axes (the places; the others zero) are the
/// known part of x_0 (<see cref="Diffusion.GaussianDiffusion.TrainingLosses"/>): clean in x_t and out of the loss.
/// Sampling gives the DiT x̄'s places read by the autoencoder at every step.
/// </summary>
/// <param name="Components">K: the leading channels of each axis that are shifts; those from K on are given.</param>
public sealed record GivenPlaces(int Components)
{
    /// <summary>The known part of z [N, D, L, H'+W'] as a 0/1 mask [1, D, 1, 1]: 1 on the channels from K on.</summary>
    public Tensor Known(int latentChannels, Device? device = null) =>
        (arange(latentChannels, device: device) >= Components).to(float32).reshape(1, -1, 1, 1);

    /// <summary>For pairs of a keypoint autoencoder's z: its K; a clear error for any other z.</summary>
    public static GivenPlaces For(LatentPairs pairs)
    {
        var ae = pairs.Autoencoder ?? throw new ArgumentException(
            $"--given-places: the pairs {pairs.Source} name no autoencoder, so which z channels are places is unknown");
        if (!ae.WarpKeypoints)
            throw new ArgumentException($"--given-places: autoencoder '{ae.Name}' of the pairs has no keypoint z " +
                                        "(--keypoints): no places to give");
        return new GivenPlaces(ae.WarpComponents);
    }

    /// <summary>The metadata value (<see cref="ModelMetadata.GivenPlacesKey"/>): K.</summary>
    public string Format() => Components.ToString(CultureInfo.InvariantCulture);

    /// <summary>The metadata value back; null for none (the paper).</summary>
    public static GivenPlaces? Parse(string? text)
    {
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k > 0) return new(k);
        throw new FormatException($"motion metadata \"{ModelMetadata.GivenPlacesKey}\" must be a count K > 0 " +
                                  $"(got \"{text}\")");
    }
}
