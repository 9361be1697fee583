using DiffusionDynamics.Random;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>
/// Stateless integrators of the backward dynamics, run from the grid's first time T down to its last time
/// t_min &gt; 0 (science.md §3; Biroli et al. 2024, arXiv 2402.18491). A sampler is a function of
/// (denoiser, x(T), grid, noise, observer); the grid's last time is where the score stops being evaluated,
/// and with <c>finalDenoise</c> the output is D(x(t_min), t_min), the posterior-mean jump to t = 0.
/// </summary>
public static class Samplers
{
    /// <summary>
    /// True for the samplers that draw noise at each step (they need a <see cref="NoiseSource"/>): Euler–Maruyama, DDPM ancestral,
    /// and DDIM with η &gt; 0.
    /// </summary>
    public static bool IsStochastic(SamplerKind kind, double ddimEta = 0) =>
        kind is SamplerKind.EulerMaruyama or SamplerKind.DdpmAncestral || (kind == SamplerKind.Ddim && ddimEta > 0);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless 0 ≤ η ≤ 1, and unless η = 0 for samplers other than DDIM.</summary>
    public static void ValidateEta(SamplerKind kind, double ddimEta)
    {
        if (!(ddimEta >= 0 && ddimEta <= 1)) throw new ArgumentOutOfRangeException(nameof(ddimEta), ddimEta, "DDIM's η must lie in [0, 1] (0: deterministic DDIM, 1: DDPM's posterior noise).");
        if (ddimEta > 0 && kind != SamplerKind.Ddim) throw new ArgumentOutOfRangeException(nameof(ddimEta), ddimEta, $"η applies to the DDIM sampler only (got {kind}).");
    }

    /// <summary>Denoiser evaluations per grid step: 2 for <see cref="SamplerKind.OdeHeun"/>, 1 for the others.</summary>
    public static int EvaluationsPerStep(SamplerKind kind) => kind == SamplerKind.OdeHeun ? 2 : 1;

    /// <summary>NFE of a run of <paramref name="steps"/> grid steps: steps · <see cref="EvaluationsPerStep"/> (+1 for the final denoise).</summary>
    public static int DenoiserEvaluations(SamplerKind kind, int steps, bool finalDenoise = true)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Steps must be ≥ 0.");
        return steps * EvaluationsPerStep(kind) + (finalDenoise ? 1 : 0);
    }

    /// <summary>
    /// One DDIM (η = 0) step from t to s (Song et al., arXiv 2010.02502): x_s = α_s D + (σ_s/σ_t)(x_t − α_t D),
    /// α = e^{−t}, σ = √Δ_t. x, denoised: [B, d].
    /// </summary>
    public static Tensor DdimStep(Tensor x, Tensor denoised, double t, double s)
    {
        double sigmaRatio = Math.Sqrt(OuTime.Delta(s) / OuTime.Delta(t));
        return denoised * (OuTime.Decay(s) - sigmaRatio * OuTime.Decay(t)) + x * sigmaRatio;
    }

    /// <summary>
    /// The DDIM-η step from t to s (Song et al., arXiv 2010.02502, Eq. 12): with ε̂ = (x_t − α_t D)/σ_t and the noise level
    /// c² = η² Δ_s Δ_h/Δ_t (h = t − s; Δ_s Δ_h/Δ_t is the DDPM posterior variance of x_s given x_t and x₀),
    /// x_s = α_s D + √(Δ_s − c²) ε̂ + c z. η = 0 is <see cref="DdimStep"/>; η = 1 is the DDPM ancestral step
    /// (mean e^{−s}(Δ_h/Δ_t) D + e^{−h}(Δ_s/Δ_t) x_t, variance Δ_s Δ_h/Δ_t). x, denoised, z: [B, d].
    /// </summary>
    public static Tensor DdimEtaStep(Tensor x, Tensor denoised, Tensor z, double t, double s, double eta)
    {
        double deltaT = OuTime.Delta(t), deltaS = OuTime.Delta(s), deltaH = OuTime.Delta(t - s);
        double c2 = eta * eta * deltaS * deltaH / deltaT;
        double epsScale = Math.Sqrt(Math.Max(0, deltaS - c2) / deltaT);          // √(Δ_s − c²)/σ_t, applied to x_t − α_t D
        return denoised * (OuTime.Decay(s) - epsScale * OuTime.Decay(t)) + x * epsScale + z * Math.Sqrt(c2);
    }

    /// <summary>Runs <paramref name="kind"/> over the whole grid. x: [B, d] at time grid.Times[0] (not modified).</summary>
    /// <param name="noise">Per-sample noise; required for the stochastic kinds (<see cref="IsStochastic"/>), ignored by the others.</param>
    /// <param name="ddimEta">DDIM's η ∈ [0, 1] (<see cref="DdimEtaStep"/>; &gt; 0 needs noise); 0 for every other sampler.</param>
    public static Tensor Run(SamplerKind kind, IDenoiser denoiser, Tensor x, TimeGrid grid, NoiseSource? noise = null,
        IStepObserver? observer = null, bool finalDenoise = true, CancellationToken cancellationToken = default, double ddimEta = 0)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return Run(kind, denoiser, x, grid, 0, grid.Steps, noise, observer, finalDenoise, cancellationToken, ddimEta);
    }

    /// <summary>
    /// Runs grid steps fromIndex → toIndex (grid[fromIndex] down to grid[toIndex]). The final record and the
    /// optional denoising jump happen only when <paramref name="toIndex"/> is the grid's last index.
    /// <see cref="SamplerKind.DpmSolver2M"/> keeps its previous D within this call only, so its first step
    /// from <paramref name="fromIndex"/> is first order.
    /// </summary>
    public static Tensor Run(SamplerKind kind, IDenoiser denoiser, Tensor x, TimeGrid times, int fromIndex, int toIndex,
        NoiseSource? noise = null, IStepObserver? observer = null, bool finalDenoise = true, CancellationToken cancellationToken = default,
        double ddimEta = 0)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(times);
        if (fromIndex < 0 || toIndex > times.Steps || fromIndex > toIndex)
            throw new ArgumentOutOfRangeException(nameof(fromIndex), $"Step range [{fromIndex}, {toIndex}] is outside the grid [0, {times.Steps}].");
        if (x.dim() != 2 || x.shape[1] != denoiser.Dimension)
            throw new ArgumentException($"x must have shape [B, {denoiser.Dimension}], got [{string.Join(", ", x.shape)}].", nameof(x));
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sampler.");
        ValidateEta(kind, ddimEta);
        bool stochastic = IsStochastic(kind, ddimEta);
        if (stochastic)
        {
            if (noise is null) throw new ArgumentException($"The {kind} sampler needs a noise source.", nameof(noise));
            if (noise.Batch != x.shape[0] || noise.Dimension != x.shape[1])
                throw new ArgumentException($"Noise source is [{noise.Batch}, {noise.Dimension}] but x is [{x.shape[0]}, {x.shape[1]}].", nameof(noise));
        }
        bool isLast = toIndex == times.Steps;
        using var noiseBuffer = stochastic ? torch.empty(x.shape, dtype: x.dtype) : null;
        var state = x.clone();
        Tensor? previousDenoised = null; // DPM-Solver++(2M): D at the previous grid time, kept for this run only
        double previousLogSnrStep = double.NaN;
        for (int k = fromIndex; k < toIndex; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            double t = times[k], tNext = times[k + 1], h = t - tNext;
            var denoised = denoiser.Denoise(state, t);
            observer?.OnStep(new StepRecord(k, t, tNext, state, denoised, false));
            var score = Score.FromDenoised(state, denoised, t);
            Tensor next;
            switch (kind)
            {
                case SamplerKind.EulerMaruyama:
                    // Euler–Maruyama step: x + h(x + 2s) + √(2h) η.
                    noise!.Fill(noiseBuffer!);
                    next = state + (state + score * 2.0) * h + noiseBuffer! * Math.Sqrt(2.0 * h);
                    break;
                case SamplerKind.OdeEuler:
                    next = state + (state + score) * h;
                    break;
                case SamplerKind.OdeHeun:
                    // Euler predictor, then the trapezoid correction with the slope at (x̃, tNext).
                    var slope = state + score;
                    var predicted = state + slope * h;
                    var slopeNext = predicted + Score.Evaluate(denoiser, predicted, tNext);
                    next = state + (slope + slopeNext) * (0.5 * h);
                    break;
                case SamplerKind.Ddim when ddimEta > 0:
                    noise!.Fill(noiseBuffer!);
                    next = DdimEtaStep(state, denoised, noiseBuffer!, t, tNext, ddimEta);
                    break;
                case SamplerKind.Ddim:
                    // x_s = α_s D + (σ_s/σ_t)(x_t − α_t D).
                    next = DdimStep(state, denoised, t, tNext);
                    break;
                case SamplerKind.DdpmAncestral:
                    {
                        // Posterior q(x_s | x_t, x₀ = D): mean e^{−s}(Δ_h/Δ_t) D + e^{−h}(Δ_s/Δ_t) x_t, variance Δ_s Δ_h/Δ_t.
                        double deltaT = OuTime.Delta(t), deltaS = OuTime.Delta(tNext), deltaH = OuTime.Delta(h);
                        double cD = OuTime.Decay(tNext) * deltaH / deltaT, cX = Math.Exp(-h) * deltaS / deltaT;
                        noise!.Fill(noiseBuffer!);
                        next = denoised * cD + state * cX + noiseBuffer! * Math.Sqrt(deltaS * deltaH / deltaT);
                        break;
                    }
                case SamplerKind.DpmSolver2M:
                    {
                        // DPM-Solver's λ = ln(α/σ) is half the log-SNR of Time.LogSnr (ln(α²/σ²)).
                        double hLambda = 0.5 * (LogSnr.FromTime(tNext) - LogSnr.FromTime(t));
                        Tensor blended = denoised;
                        // Second-order multistep correction from the previous data prediction.
                        if (previousDenoised is not null)
                        {
                            double r = previousLogSnrStep / hLambda;
                            blended = denoised * (1.0 + 0.5 / r) - previousDenoised * (0.5 / r);
                        }
                        double sigmaRatio = Math.Sqrt(OuTime.Delta(tNext) / OuTime.Delta(t));
                        next = state * sigmaRatio + blended * (OuTime.Decay(tNext) * -OuTime.ExpM1(-hLambda));
                        previousDenoised?.Dispose();
                        previousDenoised = denoised.MoveToOuterDisposeScope();
                        previousLogSnrStep = hLambda;
                        break;
                    }
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sampler.");
            }
            state.Dispose();
            state = next.MoveToOuterDisposeScope();
        }
        previousDenoised?.Dispose();

        if (!isLast) return state;
        double tLast = times[toIndex];
        if (!finalDenoise && observer is null) return state;
        using (var scope = NewDisposeScope())
        {
            var denoised = denoiser.Denoise(state, tLast);
            observer?.OnStep(new StepRecord(toIndex, tLast, 0.0, state, denoised, true));
            if (!finalDenoise) return state;
            state.Dispose();
            return denoised.MoveToOuterDisposeScope();
        }
    }
}
