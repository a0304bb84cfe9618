using Cmd.Data;
using static TorchSharp.torch;

namespace Cmd.Metrics.Fvd;

/// <summary>An FVD value with what made it.</summary>
public sealed record FvdResult(double Value, string Protocol, string Detector, long RealCount, long FakeCount)
{
    public override string ToString() =>
        $"{Protocol} = {Value.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)} (detector {Detector}; {RealCount} real / {FakeCount} fake videos)";
}

/// <summary>Frechet video distance: detector features of real and fake videos, Gaussian statistics, Frechet distance.</summary>
public static class FrechetVideoDistance
{
    /// <summary>Features of video batches (each [B, L, C, H, W] in [-1, 1]) stacked to [N, D] (float64 on the CPU).</summary>
    public static Tensor Features(IVideoDetector detector, IEnumerable<Tensor> batches)
    {
        var parts = new List<Tensor>();
        foreach (var b in batches)
        {
            using var scope = NewDisposeScope();
            parts.Add(detector.Features(b).to(ScalarType.Float64).cpu().MoveToOuterDisposeScope());
        }
        if (parts.Count == 0) throw new ArgumentException("no videos to extract features from");
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }

    /// <summary>Splits videos [N, ...] into batches of <paramref name="batch"/>.</summary>
    public static IEnumerable<Tensor> Batches(Tensor videos, int batch = 32)
    {
        for (long i = 0; i < videos.shape[0]; i += batch)
            yield return videos[TensorIndex.Slice(i, Math.Min(i + batch, videos.shape[0]))];
    }

    /// <summary>Clips [start, start + count) of a dataset, in batches.</summary>
    public static IEnumerable<Tensor> Batches(IVideoDataset data, int count, int batch = 32, int start = 0)
    {
        if (count > data.Count - start) throw new ArgumentException($"{data.Name}: asked for {count} clips from {start} but the dataset has {data.Count}");
        for (int i = 0; i < count; i += batch)
        {
            var clips = Enumerable.Range(start + i, Math.Min(batch, count - i)).Select(data.Get).ToList();
            var stacked = stack(clips.Select(c => c.Frames));
            foreach (var c in clips) c.Dispose();
            yield return stacked;
        }
    }

    public static GaussianStats Stats(IVideoDetector detector, IEnumerable<Tensor> batches)
    {
        using var f = Features(detector, batches);
        return GaussianStats.FromFeatures(f);
    }

    /// <summary>FVD of two statistics; the PVDM/CMD protocol uses its SVD square root, the others the eigen one (= scipy sqrtm).</summary>
    public static FvdResult Compute(IVideoDetector detector, GaussianStats real, GaussianStats fake) =>
        new(FrechetDistance.Compute(real, fake, detector is PvdmDetector ? TraceSqrtMethod.PvdmSvd : TraceSqrtMethod.SymmetricEigen),
            detector.Protocol, detector.DetectorName, real.Count, fake.Count);

    public static FvdResult Compute(IVideoDetector detector, IEnumerable<Tensor> real, IEnumerable<Tensor> fake) =>
        Compute(detector, Stats(detector, real), Stats(detector, fake));

    /// <summary>
    /// R-FVD (Table 4b): FVD between real videos and their reconstructions by an autoencoder
    /// (<paramref name="reconstruct"/>: videos [B, L, C, H, W] -> reconstructions of the same shape).
    /// </summary>
    public static FvdResult Reconstruction(IVideoDetector detector, IEnumerable<Tensor> real, Func<Tensor, Tensor> reconstruct)
    {
        var realFeatures = new List<Tensor>();
        var reconFeatures = new List<Tensor>();
        foreach (var batch in real)
        {
            using var scope = NewDisposeScope();
            realFeatures.Add(detector.Features(batch).to(ScalarType.Float64).cpu().MoveToOuterDisposeScope());
            Tensor recon;
            using (no_grad()) recon = reconstruct(batch);
            reconFeatures.Add(detector.Features(recon.clamp(-1, 1)).to(ScalarType.Float64).cpu().MoveToOuterDisposeScope());
        }
        using var r = cat(realFeatures, 0);
        using var f = cat(reconFeatures, 0);
        foreach (var t in realFeatures.Concat(reconFeatures)) t.Dispose();
        var result = Compute(detector, GaussianStats.FromFeatures(r), GaussianStats.FromFeatures(f));
        return result with { Protocol = "R-" + result.Protocol };
    }
}
