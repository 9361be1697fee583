using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Theory;

/// <summary>
/// Closed-form probability-flow ODE of Gaussian data N(m, U diag(λ) Uᵀ) (Wang &amp; Vastola, arXiv 2303.02490 and
/// 2311.10892; science.md §5): in the eigenbasis, each coordinate of x − e^{−t} m is multiplied by
/// ψ_k(t) from time T to time t.
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

    /// <summary>
    /// The closed-form PF-ODE transport of the Gaussian <paramref name="gaussian"/> = N(m, U diag(λ) Uᵀ) from time
    /// T to time t (Wang &amp; Vastola, arXiv 2303.02490 and 2412.09726 "analytical teleportation"; science.md §5):
    /// <code>
    ///   x(t) = e^{−t} m + U diag(ψ_k(t)) Uᵀ y + ψ_⊥(t) (I − U Uᵀ) y,   y = x(T) − e^{−T} m,
    ///   ψ_⊥(t) = √(Δ_t / Δ_T)  (the λ = 0 value, for directions outside the kept eigenvectors)
    /// </code>
    /// Exact solution of dx/dt = −(x + ∇ln P_t(x)) for that Gaussian, in either time direction.
    /// x(T): [B, d]; returns [B, d] in x(T)'s dtype (arithmetic in float64). Range: T &gt; 0, t ≥ 0.
    /// </summary>
    public static Tensor Transport(GaussianDenoiser gaussian, Tensor xT, double T, double t)
    {
        ArgumentNullException.ThrowIfNull(gaussian);
        ArgumentNullException.ThrowIfNull(xT);
        OuTime.RequirePositive(T, nameof(T));
        OuTime.RequireNonNegative(t);
        if (xT.dim() != 2 || xT.shape[1] != gaussian.Dimension || xT.shape[0] < 1)
            throw new ArgumentException($"x(T) must have shape [B ≥ 1, {gaussian.Dimension}], got [{string.Join(", ", xT.shape)}].", nameof(xT));
        using var scope = NewDisposeScope();
        var lambdas = gaussian.Eigenvalues;
        var psi = new double[lambdas.Count];
        for (int k = 0; k < psi.Length; k++) psi[k] = Math.Sqrt(MarginalVariance(lambdas[k], t) / MarginalVariance(lambdas[k], T));
        double psiRest = Math.Sqrt(OuTime.Delta(t) / OuTime.Delta(T));
        var basis = gaussian.Basis;
        var y = xT.to_type(ScalarType.Float64) - gaussian.Mean * OuTime.Decay(T);
        var coords = y.mm(basis);                                                    // [B, r]
        var psiK = torch.tensor(psi, dtype: ScalarType.Float64);
        // ψ_⊥ y + U ((ψ_k − ψ_⊥) ⊙ Uᵀ y): the complement scales by ψ_⊥, the kept modes by ψ_k.
        var result = (coords * (psiK - psiRest)).mm(basis.t()).add_(y * psiRest).add_(gaussian.Mean * OuTime.Decay(t));
        return result.to_type(xT.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Marginal variance of mode k at OU time t: e^{−2t} λ_k + Δ_t = 1 + (λ_k − 1) e^{−2t}.</summary>
    public static double MarginalVariance(double lambda, double t) => Math.Exp(-2 * t) * lambda + OuTime.Delta(t);
}
