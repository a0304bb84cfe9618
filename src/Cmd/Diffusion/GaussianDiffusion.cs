using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Diffusion;

/// <summary>What the model's first C output channels predict: eps and x_0 as in the official code; Velocity is
/// v = sqrt(alpha_bar) eps - sqrt(1 - alpha_bar) x_0 (Salimans &amp; Ho 2022), a workbench switch the official code lacks.</summary>
public enum ModelMeanType { Epsilon, StartX, Velocity }

/// <summary>How the reverse-process variance is chosen; LearnedRange interpolates log-variance between the posterior and beta (IDDPM).</summary>
public enum ModelVarType { LearnedRange, FixedSmall, FixedLarge }

/// <summary>Mse = MSE on eps (+ VB when the variance is learned: the hybrid loss); RescaledMse scales VB by T/1000; Kl/RescaledKl = the bound only.</summary>
public enum LossType { Mse, RescaledMse, Kl, RescaledKl }

/// <summary>A denoiser: (x_t, t) -> model output ([N, C or 2C, ...]); conditioning is captured by the closure.</summary>
public delegate Tensor DenoiseFn(Tensor x, Tensor t);

/// <summary>Result of one reverse step: the new sample and the x_0 prediction.</summary>
public sealed record StepOutput(Tensor Sample, Tensor PredXStart);

/// <summary>Mean, variance and x_0 prediction of p(x_{t-1} | x_t).</summary>
public sealed record PMeanVariance(Tensor Mean, Tensor Variance, Tensor LogVariance, Tensor PredXStart);

/// <summary>Training loss terms per sample ([N] each); Vb is null when the variance is fixed.</summary>
public sealed record LossTerms(Tensor Loss, Tensor Mse, Tensor? Vb);

/// <summary>Gaussian diffusion as in DiT's `diffusion/` (IDDPM/ADM): forward process, hybrid loss, DDPM and DDIM samplers,
/// with optional timestep respacing (then the model is called with the ORIGINAL timesteps, like `_WrappedModel`).</summary>
public sealed class GaussianDiffusion
{
    public ModelMeanType MeanType { get; }
    public ModelVarType VarType { get; }
    public LossType LossType { get; }
    public int NumTimesteps { get; }
    /// <summary>Original timestep of each (respaced) step.</summary>
    public IReadOnlyList<int> TimestepMap { get; }
    public int OriginalNumSteps { get; }
    /// <summary>
    /// Min-SNR-gamma loss weighting (Hang et al. 2023), a workbench switch the official code lacks: each sample's
    /// MSE is weighted so that the x_0 error counts min(SNR_t, gamma). 0 = off (DiT, the paper).
    /// </summary>
    public double MinSnrGamma { get; }
    /// <summary>
    /// Input perturbation (Ning et al. 2023, DDPM-IP), a workbench switch the official code lacks: the model is trained on
    /// x_t made with noise eps + gamma xi (xi ~ N(0, I)) while its target keeps eps, so it learns to correct the
    /// slightly-off x_t its own sampler produces (exposure bias). 0 = off (DiT, the paper); theirs is 0.1.
    /// </summary>
    public double InputPerturbation { get; }
    /// <summary>
    /// Frame-difference loss, a workbench switch the official code lacks: adds this weight times the MSE of the mean
    /// error's differences between neighbouring frames (dim 2: z [N, D, L, H'+W'], videos [N, C, L, H, W]), as MDM's
    /// velocity loss (Tevet et al. 2023) on the eps error. It weights the error's fast changes in time (at frequency w,
    /// 1 + 2 lambda (1 - cos w) times as much as the slow), the part that makes drawn trajectories wobble. 0 = off.
    /// </summary>
    public double FrameDifferenceLoss { get; }

    readonly double[] betas, alphasCumprod, alphasCumprodPrev, alphasCumprodNext, sqrtAlphasCumprod, sqrtOneMinusAlphasCumprod,
        logOneMinusAlphasCumprod, sqrtRecipAlphasCumprod, minSnrWeight, sqrtRecipm1AlphasCumprod, posteriorVariance,
        posteriorLogVarianceClipped, posteriorMeanCoef1, posteriorMeanCoef2, logBetas, fixedLargeVariance, logFixedLargeVariance;

    /// <summary>The float64 coefficient tables and the timestep map as tensors, made once per device (see <see cref="On"/>).</summary>
    sealed record DeviceTables(Dictionary<double[], Tensor> Coefficients, Tensor TimestepMap);
    readonly Dictionary<(DeviceType Type, int Index), DeviceTables> tables = new();

    public GaussianDiffusion(double[] baseBetas, ModelMeanType meanType = ModelMeanType.Epsilon, ModelVarType varType = ModelVarType.LearnedRange,
        LossType lossType = LossType.Mse, IEnumerable<int>? useTimesteps = null, double minSnrGamma = 0,
        double inputPerturbation = 0, double frameDifferenceLoss = 0)
    {
        if (baseBetas.Length == 0 || baseBetas.Any(b => b <= 0 || b > 1)) throw new ArgumentException("betas must be non-empty and lie in (0, 1]");
        if (!(minSnrGamma >= 0) || double.IsInfinity(minSnrGamma)) throw new ArgumentException($"min-SNR gamma must be >= 0 (0 = off; got {minSnrGamma})");
        if (!(inputPerturbation >= 0) || double.IsInfinity(inputPerturbation))
            throw new ArgumentException($"input perturbation must be >= 0 (0 = off; got {inputPerturbation})");
        if (!(frameDifferenceLoss >= 0) || double.IsInfinity(frameDifferenceLoss))
            throw new ArgumentException($"frame-difference loss must be >= 0 (0 = off; got {frameDifferenceLoss})");
        MeanType = meanType; VarType = varType; LossType = lossType; MinSnrGamma = minSnrGamma;
        InputPerturbation = inputPerturbation; FrameDifferenceLoss = frameDifferenceLoss;
        OriginalNumSteps = baseBetas.Length;
        (betas, var map) = Respace(baseBetas, useTimesteps);
        TimestepMap = map;
        NumTimesteps = betas.Length;
        int n = NumTimesteps;
        // The official tables read the posterior variance at index 1 (q_posterior_log_variance_clipped): one step has none.
        if (n < 2) throw new ArgumentException($"a diffusion process needs at least 2 timesteps (this respacing keeps {n}): " +
            "sample with 2 or more steps");
        alphasCumprod = new double[n];
        double acc = 1;
        for (int i = 0; i < n; i++) alphasCumprod[i] = acc *= 1.0 - betas[i];
        alphasCumprodPrev = [1.0, .. alphasCumprod[..^1]];
        alphasCumprodNext = [.. alphasCumprod[1..], 0.0];
        sqrtAlphasCumprod = Map(alphasCumprod, Math.Sqrt);
        sqrtOneMinusAlphasCumprod = Map(alphasCumprod, a => Math.Sqrt(1.0 - a));
        logOneMinusAlphasCumprod = Map(alphasCumprod, a => Math.Log(1.0 - a));
        sqrtRecipAlphasCumprod = Map(alphasCumprod, a => Math.Sqrt(1.0 / a));
        sqrtRecipm1AlphasCumprod = Map(alphasCumprod, a => Math.Sqrt(1.0 / a - 1));
        posteriorVariance = new double[n];
        posteriorMeanCoef1 = new double[n];
        posteriorMeanCoef2 = new double[n];
        for (int i = 0; i < n; i++)
        {
            posteriorVariance[i] = betas[i] * (1.0 - alphasCumprodPrev[i]) / (1.0 - alphasCumprod[i]);
            posteriorMeanCoef1[i] = betas[i] * Math.Sqrt(alphasCumprodPrev[i]) / (1.0 - alphasCumprod[i]);
            posteriorMeanCoef2[i] = (1.0 - alphasCumprodPrev[i]) * Math.Sqrt(1.0 - betas[i]) / (1.0 - alphasCumprod[i]);
        }
        // The posterior variance is 0 at t = 0: clip its log by repeating the next value.
        posteriorLogVarianceClipped = Map([posteriorVariance[1], .. posteriorVariance[1..]], Math.Log);
        logBetas = Map(betas, Math.Log);
        fixedLargeVariance = [posteriorVariance[1], .. betas[1..]];
        logFixedLargeVariance = Map(fixedLargeVariance, Math.Log);
        minSnrWeight = Map(alphasCumprod, a => MinSnrWeight(a / (1.0 - a), minSnrGamma, meanType));
    }

    /// <summary>
    /// The weight of a sample's MSE at signal-to-noise ratio <paramref name="snr"/> = abar / (1 - abar) that makes it
    /// min(snr, gamma) times its x_0 error (Hang et al. 2023): the eps error is snr times the x_0 error, v's is snr + 1.
    /// </summary>
    public static double MinSnrWeight(double snr, double gamma, ModelMeanType meanType) => gamma <= 0 ? 1.0 : meanType switch
    {
        ModelMeanType.StartX => Math.Min(snr, gamma),
        ModelMeanType.Velocity => Math.Min(snr, gamma) / (snr + 1),
        _ => Math.Min(snr, gamma) / snr,
    };

    /// <summary>DiT's `create_diffusion`: linear schedule over 1000 steps, eps prediction, learned-range variance, hybrid loss.</summary>
    public static GaussianDiffusion Create(string timestepRespacing = "", string noiseSchedule = "linear", bool useKl = false, bool sigmaSmall = false,
        bool predictXStart = false, bool learnSigma = true, bool rescaleLearnedSigmas = false, int diffusionSteps = 1000,
        bool predictV = false, double minSnrGamma = 0, double inputPerturbation = 0, double frameDifferenceLoss = 0)
    {
        var betas = BetaSchedule.Named(noiseSchedule, diffusionSteps);
        var loss = useKl ? LossType.RescaledKl : rescaleLearnedSigmas ? LossType.RescaledMse : LossType.Mse;
        var varType = learnSigma ? ModelVarType.LearnedRange : sigmaSmall ? ModelVarType.FixedSmall : ModelVarType.FixedLarge;
        var meanType = predictV ? ModelMeanType.Velocity : predictXStart ? ModelMeanType.StartX : ModelMeanType.Epsilon;
        return new GaussianDiffusion(betas, meanType, varType, loss,
            Respacing.SpaceTimesteps(diffusionSteps, timestepRespacing), minSnrGamma, inputPerturbation,
            frameDifferenceLoss);
    }

    static (double[] Betas, int[] Map) Respace(double[] baseBetas, IEnumerable<int>? use)
    {
        if (use is null) return (baseBetas, Enumerable.Range(0, baseBetas.Length).ToArray());
        var keep = new HashSet<int>(use);
        if (keep.Count == 0 || keep.Any(t => t < 0 || t >= baseBetas.Length)) throw new ArgumentException($"respaced timesteps must lie in [0, {baseBetas.Length - 1}]");
        var newBetas = new List<double>(); var map = new List<int>();
        double acc = 1, last = 1;
        for (int i = 0; i < baseBetas.Length; i++)
        {
            acc *= 1.0 - baseBetas[i];
            if (!keep.Contains(i)) continue;
            newBetas.Add(1 - acc / last);
            last = acc;
            map.Add(i);
        }
        return (newBetas.ToArray(), map.ToArray());
    }

    static double[] Map(double[] a, Func<double, double> f) => a.Select(f).ToArray();

    /// <summary>This process's tables on <paramref name="device"/>: copied there on first use and kept (outside any dispose scope),
    /// so coefficient lookups and timestep mapping stay on the device and never read t back to the host.</summary>
    DeviceTables On(Device device)
    {
        lock (tables)
        {
            var key = (device.type, device.index);
            if (tables.TryGetValue(key, out var cached)) return cached;
            var coefficients = new Dictionary<double[], Tensor>(ReferenceEqualityComparer.Instance);
            foreach (var arr in new[] { alphasCumprod, alphasCumprodPrev, sqrtAlphasCumprod, sqrtOneMinusAlphasCumprod, sqrtRecipAlphasCumprod,
                         sqrtRecipm1AlphasCumprod, posteriorVariance, posteriorLogVarianceClipped, posteriorMeanCoef1, posteriorMeanCoef2, logBetas,
                         logFixedLargeVariance, minSnrWeight })
                coefficients[arr] = tensor(arr, dtype: float64, device: device).DetachFromDisposeScope();
            var map = tensor(TimestepMap.Select(i => (long)i).ToArray(), dtype: int64, device: device).DetachFromDisposeScope();
            return tables[key] = new DeviceTables(coefficients, map);
        }
    }

    /// <summary>arr[t] as float32, shaped [N, 1, 1, ...] to broadcast against <paramref name="like"/> (`_extract_into_tensor`:
    /// the float64 table indexed on t's device, then cast to float32).</summary>
    Tensor Extract(double[] arr, Tensor t, Tensor like)
    {
        var shape = new long[like.dim()];
        Array.Fill(shape, 1L);
        shape[0] = -1;
        var idx = t.to(int64).reshape(-1);
        return On(idx.device).Coefficients[arr].index_select(0, idx).to(float32).reshape(shape).to(like.device);
    }

    /// <summary>Calls the model with original timesteps (respaced diffusion maps its step indices back, like `_WrappedModel`).</summary>
    Tensor CallModel(DenoiseFn model, Tensor x, Tensor t)
    {
        if (NumTimesteps == OriginalNumSteps) return model(x, t);
        var idx = t.to(int64);
        return model(x, On(idx.device).TimestepMap.index_select(0, idx.reshape(-1)).reshape(idx.shape));
    }

    /// <summary>q(x_t | x_0): sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Eq. 2).</summary>
    public Tensor QSample(Tensor xStart, Tensor t, Tensor noise) =>
        Extract(sqrtAlphasCumprod, t, xStart) * xStart + Extract(sqrtOneMinusAlphasCumprod, t, xStart) * noise;

    /// <summary>Mean and clipped log-variance of q(x_{t-1} | x_t, x_0).</summary>
    public (Tensor Mean, Tensor Variance, Tensor LogVarianceClipped) QPosteriorMeanVariance(Tensor xStart, Tensor xT, Tensor t) =>
        (Extract(posteriorMeanCoef1, t, xT) * xStart + Extract(posteriorMeanCoef2, t, xT) * xT,
         Extract(posteriorVariance, t, xT), Extract(posteriorLogVarianceClipped, t, xT));

    public Tensor PredictXStartFromEps(Tensor xT, Tensor t, Tensor eps) =>
        Extract(sqrtRecipAlphasCumprod, t, xT) * xT - Extract(sqrtRecipm1AlphasCumprod, t, xT) * eps;

    /// <summary>x_0 = sqrt(alpha_bar) x_t - sqrt(1 - alpha_bar) v.</summary>
    public Tensor PredictXStartFromV(Tensor xT, Tensor t, Tensor v) =>
        Extract(sqrtAlphasCumprod, t, xT) * xT - Extract(sqrtOneMinusAlphasCumprod, t, xT) * v;

    /// <summary>The velocity target v = sqrt(alpha_bar) eps - sqrt(1 - alpha_bar) x_0.</summary>
    public Tensor Velocity(Tensor xStart, Tensor t, Tensor noise) =>
        Extract(sqrtAlphasCumprod, t, xStart) * noise - Extract(sqrtOneMinusAlphasCumprod, t, xStart) * xStart;

    /// <summary>x_0 from the model's mean channels, whatever they predict.</summary>
    public Tensor PredXStartFromOutput(Tensor xT, Tensor t, Tensor modelOut) => MeanType switch
    {
        ModelMeanType.StartX => modelOut,
        ModelMeanType.Velocity => PredictXStartFromV(xT, t, modelOut),
        _ => PredictXStartFromEps(xT, t, modelOut),
    };

    public Tensor PredictEpsFromXStart(Tensor xT, Tensor t, Tensor predXStart) =>
        (Extract(sqrtRecipAlphasCumprod, t, xT) * xT - predXStart) / Extract(sqrtRecipm1AlphasCumprod, t, xT);

    /// <summary>p(x_{t-1} | x_t) from a model output (eps and, if learned, the variance interpolation values in [-1, 1]);
    /// <paramref name="denoisedFn"/> maps the predicted x_0 before clipping, as the official code's denoised_fn.</summary>
    public PMeanVariance PMeanVarianceFromOutput(Tensor output, Tensor x, Tensor t, bool clipDenoised = false,
        Func<Tensor, Tensor>? denoisedFn = null)
    {
        long c = x.shape[1];
        Tensor modelOut, logVar;
        if (VarType == ModelVarType.LearnedRange)
        {
            if (output.shape[1] != 2 * c) throw new ArgumentException($"learned variance needs {2 * c} output channels, the model gave {output.shape[1]}");
            var parts = output.split(c, 1);
            modelOut = parts[0];
            var minLog = Extract(posteriorLogVarianceClipped, t, x);
            var maxLog = Extract(logBetas, t, x);
            var frac = (parts[1] + 1) / 2; // [-1, 1] -> [min_var, max_var]
            logVar = frac * maxLog + (1 - frac) * minLog;
        }
        else
        {
            if (output.shape[1] != c) throw new ArgumentException($"fixed variance needs {c} output channels, the model gave {output.shape[1]}");
            modelOut = output;
            logVar = VarType == ModelVarType.FixedLarge ? Extract(logFixedLargeVariance, t, x) : Extract(posteriorLogVarianceClipped, t, x);
        }
        var variance = exp(logVar);
        var predXStart = PredXStartFromOutput(x, t, modelOut);
        if (denoisedFn is not null) predXStart = denoisedFn(predXStart);
        if (clipDenoised) predXStart = predXStart.clamp(-1, 1);
        var (mean, _, _) = QPosteriorMeanVariance(predXStart, x, t);
        return new PMeanVariance(mean, variance, logVar, predXStart);
    }

    public PMeanVariance PMeanVariance(DenoiseFn model, Tensor x, Tensor t, bool clipDenoised = false,
        Func<Tensor, Tensor>? denoisedFn = null) =>
        PMeanVarianceFromOutput(CallModel(model, x, t), x, t, clipDenoised, denoisedFn);

    /// <summary>One ancestral (DDPM) step: mean + sigma * noise, no noise at t = 0.</summary>
    public StepOutput PSample(DenoiseFn model, Tensor x, Tensor t, bool clipDenoised = false, Tensor? noise = null,
        Func<Tensor, Tensor>? denoisedFn = null)
    {
        var o = PMeanVariance(model, x, t, clipDenoised, denoisedFn);
        noise ??= randn_like(x);
        var nonzero = NonZeroMask(t, x);
        return new StepOutput(o.Mean + nonzero * exp(0.5 * o.LogVariance) * noise, o.PredXStart);
    }

    /// <summary>One DDIM step (Song et al. 2021, Eq. 12); eta = 0 is deterministic.</summary>
    public StepOutput DdimSample(DenoiseFn model, Tensor x, Tensor t, double eta = 0.0, bool clipDenoised = false,
        Tensor? noise = null, Func<Tensor, Tensor>? denoisedFn = null)
    {
        var o = PMeanVariance(model, x, t, clipDenoised, denoisedFn);
        var eps = PredictEpsFromXStart(x, t, o.PredXStart); // re-derived, as the official code does
        var alphaBar = Extract(alphasCumprod, t, x);
        var alphaBarPrev = Extract(alphasCumprodPrev, t, x);
        var sigma = eta * sqrt((1 - alphaBarPrev) / (1 - alphaBar)) * sqrt(1 - alphaBar / alphaBarPrev);
        var meanPred = o.PredXStart * sqrt(alphaBarPrev) + sqrt(1 - alphaBarPrev - sigma.pow(2)) * eps;
        var sample = eta == 0 ? meanPred : meanPred + NonZeroMask(t, x) * sigma * (noise ?? randn_like(x));
        return new StepOutput(sample, o.PredXStart);
    }

    static Tensor NonZeroMask(Tensor t, Tensor x)
    {
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x.shape[0];
        return t.ne(0).to(float32).to(x.device).reshape(shape);
    }

    /// <summary>Full DDPM sampling from <paramref name="noise"/>; <paramref name="onStep"/> sees each step's output (index counts down).</summary>
    public Tensor PSampleLoop(DenoiseFn model, Tensor noise, bool clipDenoised = false, Action<int, StepOutput>? onStep = null,
        Func<Tensor, Tensor>? denoisedFn = null) =>
        Loop(noise, onStep, (x, t) => PSample(model, x, t, clipDenoised, denoisedFn: denoisedFn));

    /// <summary>DDIM sampling over this (respaced) process from <paramref name="noise"/>, or (SDEdit) from x at step
    /// <paramref name="fromStep"/> of this process, e.g. a noised real sample.</summary>
    public Tensor DdimSampleLoop(DenoiseFn model, Tensor noise, double eta = 0.0, bool clipDenoised = false, Action<int, StepOutput>? onStep = null,
        int? fromStep = null, Func<Tensor, Tensor>? denoisedFn = null) =>
        Loop(noise, onStep, (x, t) => DdimSample(model, x, t, eta, clipDenoised, denoisedFn: denoisedFn), fromStep ?? NumTimesteps - 1);

    Tensor Loop(Tensor noise, Action<int, StepOutput>? onStep, Func<Tensor, Tensor, StepOutput> step, int? from = null)
    {
        if (from is int f && (f < 0 || f >= NumTimesteps))
            throw new ArgumentException($"sampling must start at a step in 0..{NumTimesteps - 1} of this process (got {f})");
        var img = noise.detach().clone();
        using var _ = no_grad();
        for (int i = from ?? NumTimesteps - 1; i >= 0; i--)
        {
            using var scope = NewDisposeScope();
            var t = full(noise.shape[0], i, dtype: int64, device: noise.device);
            var o = step(img, t);
            onStep?.Invoke(i, o);
            var next = o.Sample.MoveToOuterDisposeScope();
            img.Dispose();
            img = next;
        }
        return img;
    }

    /// <summary>A term of the variational bound in bits: KL(q(x_{t-1}|x_t,x_0) || p(x_{t-1}|x_t)), or the decoder NLL
    /// at t = 0 (averaged over the elements where <paramref name="keep"/> is 1; null: all).</summary>
    public Tensor VbTermsBpd(Tensor modelOutput, Tensor xStart, Tensor xT, Tensor t, bool clipDenoised = false,
        Tensor? keep = null)
    {
        var (trueMean, _, trueLogVar) = QPosteriorMeanVariance(xStart, xT, t);
        var o = PMeanVarianceFromOutput(modelOutput, xT, t, clipDenoised);
        var kl = DiffusionMath.NormalKl(trueMean, trueLogVar, o.Mean, o.LogVariance);
        var nll = -DiffusionMath.DiscretizedGaussianLogLikelihood(xStart, o.Mean, 0.5 * o.LogVariance);
        (kl, nll) = (DiffusionMath.MeanFlat(kl, keep) / Math.Log(2.0),
            DiffusionMath.MeanFlat(nll, keep) / Math.Log(2.0));
        return where(t.eq(0).to(xStart.device), nll, kl);
    }

    /// <summary>Training loss for timesteps t (IDDPM hybrid loss): MSE on eps (Eq. 2/7/8) + VB for the learned variance,
    /// which sees a detached mean so the bound trains only the variance.</summary>
    /// <param name="known">Workbench switch, not the official code's: 0/1, broadcast to x_0; where 1, x_t is x_0
    /// itself (a part of x_0 given, not drawn) and no loss term counts it, so the model learns the rest given that
    /// part.</param>
    public LossTerms TrainingLosses(DenoiseFn model, Tensor xStart, Tensor t, Tensor? noise = null,
        Tensor? known = null)
    {
        noise ??= randn_like(xStart);
        var xT = QSample(xStart, t, InputPerturbation > 0 ? noise + InputPerturbation * randn_like(noise) : noise); // DDPM-IP
        var keep = known is null ? null : 1 - known;
        if (known is not null) xT = xT * keep! + xStart * known;
        var output = CallModel(model, xT, t);
        if (LossType is LossType.Kl or LossType.RescaledKl)
        {
            var vbOnly = VbTermsBpd(output, xStart, xT, t, keep: keep);
            if (LossType == LossType.RescaledKl) vbOnly = vbOnly * NumTimesteps;
            return new LossTerms(vbOnly, zeros_like(vbOnly), vbOnly);
        }
        long c = xStart.shape[1];
        Tensor? vb = null;
        var modelOut = output;
        if (VarType == ModelVarType.LearnedRange)
        {
            if (output.shape[1] != 2 * c) throw new ArgumentException($"learned variance needs {2 * c} output channels, the model gave {output.shape[1]}");
            var parts = output.split(c, 1);
            modelOut = parts[0];
            vb = VbTermsBpd(cat([parts[0].detach(), parts[1]], 1), xStart, xT, t, keep: keep);
            if (LossType == LossType.RescaledMse) vb = vb * (NumTimesteps / 1000.0);
        }
        var target = TrainingTarget(xStart, t, noise);
        if (!modelOut.shape.SequenceEqual(target.shape)) throw new ArgumentException($"model output [{string.Join(", ", modelOut.shape)}] does not match the input [{string.Join(", ", target.shape)}]");
        var error = target - modelOut;
        if (keep is not null) error = error * keep;                               // known parts: no error term
        var mse = DiffusionMath.MeanFlat(error.pow(2), keep);
        if (FrameDifferenceLoss > 0) mse = mse + FrameDifferenceLoss * FrameDifferenceMse(error, keep);
        if (MinSnrGamma > 0) mse = mse * Extract(minSnrWeight, t, mse); // min-SNR-gamma weighting (Hang et al. 2023)
        return new LossTerms(vb is null ? mse : mse + vb, mse, vb);
    }

    /// <summary>Per sample: the mean square of the error's differences between neighbouring frames (dim 2).</summary>
    static Tensor FrameDifferenceMse(Tensor error, Tensor? keep)
    {
        if (error.dim() < 4 || error.shape[2] < 2)
            throw new ArgumentException($"the frame-difference loss needs frames on dim 2 ([N, D, L, ...], L >= 2); " +
                $"this model's output is [{string.Join(", ", error.shape)}]");
        long l = error.shape[2];
        var steps = (error.narrow(2, 1, l - 1) - error.narrow(2, 0, l - 1)).pow(2);
        return DiffusionMath.MeanFlat(steps, keep is null || keep.shape[2] == 1 ? keep : keep.narrow(2, 1, l - 1));
    }

    /// <summary>What the model's mean channels are trained to output: x_0, v or eps.</summary>
    public Tensor TrainingTarget(Tensor xStart, Tensor t, Tensor noise) => MeanType switch
    {
        ModelMeanType.StartX => xStart,
        ModelMeanType.Velocity => Velocity(xStart, t, noise),
        _ => noise,
    };

    /// <summary>Uniform timestep sampling (DiT `train.py`: torch.randint(0, T, (N,))).</summary>
    public Tensor SampleTimesteps(long batch, Device? device = null, Generator? generator = null) =>
        randint(0, NumTimesteps, [batch], dtype: int64, device: device, generator: generator);
}
