using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>
/// One step function per sampler, in the style of k-diffusion: plain functions of (x_t, D(x_t, t), t, s, z), no hidden
/// state (a multistep method's history is the run's <see cref="ISamplerMemory"/>). OU clock (docs/theory.md §3): a step goes
/// from t down to s &lt; t, h = t − s, α_t = e^{−t}, σ_t = √Δ_t, Δ_t = 1 − e^{−2t}, the score is
/// ∇ln P_t(x) = (e^{−t} D − x)/Δ_t, and DPM-Solver's half log-SNR is λ_t = ln(α_t/σ_t) = −½ ln(e^{2t} − 1).
/// </summary>
public static class SamplerSteps
{
    /// <summary>Euler–Maruyama on the backward SDE: x_s = x + h(x + 2∇ln P_t(x)) + √(2h) z. Needs z.</summary>
    public static Tensor EulerMaruyama(in StepInput step, ISamplerMemory? memory)
    {
        double h = step.H;
        var score = Score.FromDenoised(step.X, step.Denoised, step.T);
        return step.X + (step.X + score * 2.0) * h + step.Noise! * Math.Sqrt(2.0 * h);
    }

    /// <summary>
    /// <see cref="EulerMaruyama"/> fused into the run's buffers, bit for bit: the same nine float operations in the same order
    /// (D·e^{−t}/Δ_t, x/Δ_t, their difference, ·2, +x, ·h, x+, z·√(2h), +), each done in place — on D, on the scratch copy of x, on z
    /// and finally on x — so a step allocates no [B, d] tensor and makes one pass per operation. IEEE addition is commutative, so
    /// c.add_(x) equals x + c. The scalars are created and disposed here: TorchSharp 0.107 passes an
    /// implicit Scalar's handle to native code without keeping the Scalar alive, so a GC mid-call could finalize it.
    /// </summary>
    public static void EulerMaruyamaInPlace(in StepInput step, ISamplerMemory? memory)
    {
        var x = step.X;
        var denoised = step.Denoised;
        var noise = step.Noise ?? throw new ArgumentException("Euler–Maruyama needs the step's noise.", nameof(step));
        var scratch = step.Scratch ?? throw new ArgumentException("The fused Euler–Maruyama step needs the run's scratch buffer.", nameof(step));
        double h = step.H, delta = OuTime.Delta(step.T);
        using var decayOverDelta = (OuTime.Decay(step.T) / delta).ToScalar();
        using var deltaScalar = delta.ToScalar();
        using var two = 2.0.ToScalar();
        using var hScalar = h.ToScalar();
        using var noiseScale = Math.Sqrt(2.0 * h).ToScalar();
        denoised.mul_(decayOverDelta);                               // e^{−t} D / Δ_t
        scratch.copy_(x).div_(deltaScalar);                          // x / Δ_t
        denoised.sub_(scratch).mul_(two).add_(x).mul_(hScalar);     // (x + 2 ∇ln P_t) h
        x.add_(denoised);                                            // x + (x + 2 ∇ln P_t) h
        x.add_(noise.mul_(noiseScale));                              // + √(2h) z
    }

    /// <summary>Euler on the probability-flow ODE: x_s = x + h(x + ∇ln P_t(x)).</summary>
    public static Tensor OdeEuler(in StepInput step, ISamplerMemory? memory)
    {
        var score = Score.FromDenoised(step.X, step.Denoised, step.T);
        return step.X + (step.X + score) * step.H;
    }

    /// <summary>
    /// Heun (explicit trapezoid) on the probability-flow ODE, 2 evaluations: v = x + ∇ln P_t(x), x̃ = x + h v,
    /// x_s = x + ½h (v + x̃ + ∇ln P_s(x̃)).
    /// </summary>
    public static Tensor OdeHeun(in StepInput step, ISamplerMemory? memory)
    {
        double h = step.H;
        var state = step.X;
        var score = Score.FromDenoised(state, step.Denoised, step.T);
        // Euler predictor.
        var slope = state + score;
        var predicted = state + slope * h;
        // Apply the 2nd-order correction with the slope at (x̃, s).
        var slopeNext = predicted + Score.Evaluate(step.Denoiser, predicted, step.TNext);
        return state + (slope + slopeNext) * (0.5 * h);
    }

    /// <summary>DDIM: <see cref="DdimDeterministic"/> for η = 0, <see cref="DdimEta"/> (needs z) for η &gt; 0.</summary>
    public static Tensor Ddim(in StepInput step, ISamplerMemory? memory) =>
        step.DdimEta > 0
            ? DdimEta(step.X, step.Denoised, step.Noise!, step.T, step.TNext, step.DdimEta)
            : DdimDeterministic(step.X, step.Denoised, step.T, step.TNext);

    /// <summary>
    /// One DDIM (η = 0) step from t to s (Song, Meng &amp; Ermon, arXiv 2010.02502, Eq. 12): x_s = α_s D + (σ_s/σ_t)(x_t − α_t D),
    /// α = e^{−t}, σ = √Δ_t. The exact PF-ODE step when D does not depend on x. x, denoised: [B, d].
    /// </summary>
    public static Tensor DdimDeterministic(Tensor x, Tensor denoised, double t, double s)
    {
        double sigmaRatio = Math.Sqrt(OuTime.Delta(s) / OuTime.Delta(t));
        return denoised * (OuTime.Decay(s) - sigmaRatio * OuTime.Decay(t)) + x * sigmaRatio;
    }

    /// <summary>
    /// The DDIM-η step from t to s (Song et al., arXiv 2010.02502, Eq. 12): with ε̂ = (x_t − α_t D)/σ_t and the noise level
    /// c² = η² Δ_s Δ_h/Δ_t (Δ_s Δ_h/Δ_t is the DDPM posterior variance of x_s given x_t and x₀),
    /// x_s = α_s D + √(Δ_s − c²) ε̂ + c z. η = 0 is <see cref="DdimDeterministic"/>; η = 1 is the DDPM ancestral step. Range: 0 ≤ η ≤ 1.
    /// x, denoised, z: [B, d].
    /// </summary>
    public static Tensor DdimEta(Tensor x, Tensor denoised, Tensor z, double t, double s, double eta)
    {
        double deltaT = OuTime.Delta(t), deltaS = OuTime.Delta(s), deltaH = OuTime.Delta(t - s);
        double c2 = eta * eta * deltaS * deltaH / deltaT;
        double epsScale = Math.Sqrt(Math.Max(0, deltaS - c2) / deltaT);          // √(Δ_s − c²)/σ_t, applied to x_t − α_t D
        return denoised * (OuTime.Decay(s) - epsScale * OuTime.Decay(t)) + x * epsScale + z * Math.Sqrt(c2);
    }

    /// <summary>
    /// DDPM ancestral (Ho, Jain &amp; Abbeel, arXiv 2006.11239, Eqs. 6–7): x_s ~ q(x_s | x_t, x₀ = D) = N(μ̃, β̃ I) with, in OU terms,
    /// μ̃ = e^{−s} (Δ_h/Δ_t) D + e^{−h} (Δ_s/Δ_t) x_t and β̃ = Δ_s Δ_h / Δ_t. Needs z.
    /// </summary>
    public static Tensor DdpmAncestral(in StepInput step, ISamplerMemory? memory)
    {
        double t = step.T, tNext = step.TNext, h = step.H;
        double deltaT = OuTime.Delta(t), deltaS = OuTime.Delta(tNext), deltaH = OuTime.Delta(h);
        double cD = OuTime.Decay(tNext) * deltaH / deltaT, cX = Math.Exp(-h) * deltaS / deltaT;
        return step.Denoised * cD + step.X * cX + step.Noise! * Math.Sqrt(deltaS * deltaH / deltaT);
    }

    /// <summary>
    /// DPM-Solver++(2M), multistep with data prediction (Lu et al., arXiv 2211.01095, Alg. 2): with h_λ = λ_s − λ_t &gt; 0 and
    /// r = h_λ,prev/h_λ, x_s = (σ_s/σ_t) x_t + α_s (1 − e^{−h_λ}) D̄, D̄ = (1 + 1/(2r)) D_t − (1/(2r)) D_prev. The first step of a
    /// run (empty <see cref="DpmSolverHistory"/>) is first order, D̄ = D_t (= DDIM). Needs the run's <see cref="DpmSolverHistory"/>.
    /// </summary>
    public static Tensor DpmSolver2M(in StepInput step, ISamplerMemory? memory)
    {
        var history = memory as DpmSolverHistory ?? throw new ArgumentException("DPM-Solver++(2M) needs its per-run DpmSolverHistory.", nameof(memory));
        double t = step.T, tNext = step.TNext;
        var denoised = step.Denoised;
        // DPM-Solver's λ = ln(α/σ) is half the log-SNR of Time.LogSnr (ln(α²/σ²)).
        double hLambda = 0.5 * (LogSnr.FromTime(tNext) - LogSnr.FromTime(t));
        Tensor blended = denoised;
        // Second-order multistep correction from the previous data prediction.
        if (history.PreviousDenoised is not null)
        {
            double r = history.PreviousLogSnrStep / hLambda;
            blended = denoised * (1.0 + 0.5 / r) - history.PreviousDenoised * (0.5 / r);
        }
        double sigmaRatio = Math.Sqrt(OuTime.Delta(tNext) / OuTime.Delta(t));
        var next = step.X * sigmaRatio + blended * (OuTime.Decay(tNext) * -OuTime.ExpM1(-hLambda));
        history.Remember(denoised, hLambda);
        return next;
    }
}

/// <summary>DPM-Solver++(2M)'s memory within one run: D at the previous grid time and the previous step h_λ.</summary>
public sealed class DpmSolverHistory : ISamplerMemory
{
    /// <summary>D(x, t) of the previous step (null before the first step).</summary>
    public Tensor? PreviousDenoised { get; private set; }

    /// <summary>h_λ of the previous step (NaN before the first step).</summary>
    public double PreviousLogSnrStep { get; private set; } = double.NaN;

    /// <summary>Keeps <paramref name="denoised"/> (moved out of the step's dispose scope) and releases the previous one.</summary>
    public void Remember(Tensor denoised, double logSnrStep)
    {
        PreviousDenoised?.Dispose();
        PreviousDenoised = denoised.MoveToOuterDisposeScope();
        PreviousLogSnrStep = logSnrStep;
    }

    /// <summary>Releases the kept D.</summary>
    public void Dispose()
    {
        PreviousDenoised?.Dispose();
        PreviousDenoised = null;
    }
}
