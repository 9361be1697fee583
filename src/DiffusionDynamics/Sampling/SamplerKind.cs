namespace DiffusionDynamics.Sampling;

/// <summary>
/// Integrators of the backward dynamics in the OU clock (docs/theory.md §3). Notation for a step from t down to
/// s &lt; t: h = t − s, α_t = e^{−t}, ᾱ_t = e^{−2t}, σ_t = √Δ_t, Δ_t = 1 − e^{−2t}, D = D(x_t, t), and
/// DPM-Solver's half log-SNR λ_t = ln(α_t/σ_t) = −½ ln(e^{2t} − 1) (half of <see cref="Time.LogSnr"/>). NFE per step: 2 for <see cref="OdeHeun"/>, 1 for all others
/// (see <see cref="SamplerMethod.EvaluationsPerStep"/>); a run with the final denoise adds one.
/// Each kind is registered once in <see cref="SamplerRegistry"/> (CLI token, display name, step function in <see cref="SamplerSteps"/>).
/// </summary>
public enum SamplerKind
{
    /// <summary>Euler–Maruyama on the backward SDE: x ← x + h(x + 2∇ln P_t(x)) + √(2h) η. Stochastic.</summary>
    EulerMaruyama,
    /// <summary>Euler on the probability-flow ODE: x ← x + h(x + ∇ln P_t(x)).</summary>
    OdeEuler,
    /// <summary>Heun (explicit trapezoid, 2 evaluations per step) on the probability-flow ODE.</summary>
    OdeHeun,
    /// <summary>
    /// DDIM, deterministic (η = 0; Song, Meng &amp; Ermon, arXiv 2010.02502, Eq. 12):
    /// x_s = α_s D + (σ_s/σ_t)(x_t − α_t D), i.e. x̂₀ = D and ε̂ = (x_t − α_t D)/σ_t re-noised to s.
    /// The exact PF-ODE step when D does not depend on x (a point mass); first order otherwise.
    /// </summary>
    Ddim,
    /// <summary>
    /// DDPM ancestral (Ho, Jain &amp; Abbeel, arXiv 2006.11239, Eqs. 6–7): x_s ~ q(x_s | x_t, x₀ = D) =
    /// N(μ̃, β̃ I) with μ̃ = (√ᾱ_s β_ts/(1−ᾱ_t)) D + (√α_ts (1−ᾱ_s)/(1−ᾱ_t)) x_t,
    /// β̃ = (1−ᾱ_s)/(1−ᾱ_t) · β_ts, α_ts = ᾱ_t/ᾱ_s = e^{−2h}, β_ts = 1 − α_ts. In OU terms
    /// μ̃ = e^{−s} (Δ_h/Δ_t) D + e^{−h} (Δ_s/Δ_t) x_t and β̃ = Δ_s Δ_h / Δ_t. Stochastic (needs the noise source).
    /// Its native clock is a discrete schedule: run it on <see cref="Time.TimeGrid.FromSchedule"/>.
    /// </summary>
    DdpmAncestral,
    /// <summary>
    /// DPM-Solver++(2M), multistep with data prediction in λ = ln(α/σ) (Lu et al., arXiv 2211.01095, Alg. 2):
    /// with h_λ = λ_s − λ_t &gt; 0 and r = h_λ,prev/h_λ,
    /// x_s = (σ_s/σ_t) x_t + α_s (1 − e^{−h_λ}) D̄,  D̄ = (1 + 1/(2r)) D_t − (1/(2r)) D_prev.
    /// The first step of a run (no D_prev yet) is first order, D̄ = D_t (= DDIM). Second order in the step size.
    /// </summary>
    DpmSolver2M,
}
