using DiffusionDynamics.Time;

namespace DiffusionDynamics.Theory;

/// <summary>
/// Closed-form probability-flow ODE of Gaussian data N(m, U diag(λ) Uᵀ) (Wang &amp; Vastola, arXiv 2303.02490 and
/// 2311.10892; docs/theory.md §5): in the eigenbasis, each coordinate of x − e^{−t} m is multiplied by
/// ψ_k(t) from time T to time t. Plain numbers only; the transport of a batch by a Gaussian source is
/// <c>Scores.GaussianDenoiser.Transport</c> (Theory references no denoiser class).
/// </summary>
public static class GaussianFlow
{
    /// <summary>
    /// ψ_k(t) = √((e^{−2t} λ_k + Δ_t) / (e^{−2T} λ_k + Δ_T)), the ratio of the marginal standard deviations of mode k
    /// at t and T. Range: λ_k ≥ 0, 0 ≤ t, T &gt; 0 (t &lt; T for the backward flow; any order is valid).
    /// </summary>
    public static double Psi(double lambda, double t, double T)
    {
        if (!(lambda >= 0) || !double.IsFinite(lambda)) throw new ArgumentException($"λ must be finite and ≥ 0 (got {lambda}).", nameof(lambda));
        OuTime.RequireNonNegative(t);
        OuTime.RequirePositive(T, nameof(T));
        return Math.Sqrt(MarginalVariance(lambda, t) / MarginalVariance(lambda, T));
    }

    /// <summary>Marginal variance of mode k at OU time t: e^{−2t} λ_k + Δ_t = 1 + (λ_k − 1) e^{−2t}.</summary>
    public static double MarginalVariance(double lambda, double t) => Math.Exp(-2 * t) * lambda + OuTime.Delta(t);
}
