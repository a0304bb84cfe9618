// results/bench/session45-bf16-ssim.cs: a scratch program over src/Cmd (a console project referencing Cmd.csproj, this
// file as its Program.cs): for each autoencoder checkpoint given, PSNR and SSIM of 64 held-out clips (as `ae reconstruct`)
// with the products exact and in bf16, and the background haze: the reconstruction where the original is black.
using Cmd.Data;
using Cmd.Evaluation;
using Cmd.Metrics;
using Cmd.Pipeline;
using Cmd.Runtime;
using static TorchSharp.torch;

// Why do autoencoders trained with bf16 products score a lower SSIM? Background offset and eval precision.
foreach (var ck in args)
{
    using var model = ModelStore.LoadAutoencoder(ck, CPU);
    var ds = VideoDatasets.Open(AutoencoderData.DatasetFor(model.Config, "mmnist", 64, 1234, MnistSplit.Test));
    foreach (var p in new[] { Fp32Matmul.Ieee, Fp32Matmul.Bf16 })
    {
        using var _ = MatmulPrecision.Use(p);
        var loader = new VideoLoader(ds, 16, shuffle: false, dropLast: false, prefetch: 0);
        double ssim = 0, psnr = 0, bgMean = 0, bgAbove = 0, bgSsimSum = 0; long bgN = 0, n = 0;
        for (int s = 0; s < 64; s += 16)
        {
            using var scope = NewDisposeScope();
            using var batch = loader.Load(Enumerable.Range(s, 16).ToArray());
            using var r = AutoencoderEvaluation.Run(model, batch);
            ssim += r.Scores.Sum(c => c.Ssim); psnr += r.Scores.Sum(c => c.Psnr); n += r.Scores.Count;
            var x = (r.Originals.to(float64) + 1) / 2; var y = (r.Reconstructions.to(float64) + 1) / 2;
            var bg = x.le(1e-6);
            var yb = y.masked_select(bg);
            bgMean += yb.sum().item<double>(); bgAbove += yb.gt(2.0 / 255).sum().item<long>(); bgN += yb.numel();
        }
        Console.WriteLine($"{ck.Split('/')[^2]} eval {p}: PSNR {psnr / n:F2} SSIM {ssim / n:F4}; background px {bgN}: " +
            $"mean recon {bgMean / bgN * 255:F3}/255, share > 2/255 {100.0 * bgAbove / bgN:F2}%");
    }
}
