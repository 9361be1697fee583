using DiffusionDynamics.Time;

namespace DiffusionDynamics.Theory;

/// <summary>
/// Closed forms of the information the noisy state carries about the clean one along the OU diffusion (docs/theory.md §7.7;
/// information dynamics, arXiv 2508.19897). With x_t = e^{−t}a + √Δ_t z the rate of the conditional entropy of the state is
/// <code>
///   dH(X₀ | X_t)/dt = d/Δ_t + E ∇·s(X_t, t) = (e^{−2t}/Δ_t²) E tr Cov[a | X_t]  ≥ 0,      I(X₀; X_t) = ∫_t^∞ (dH/ds) ds
///   Gaussian N(μ, diag λ):  dH/dt = Σ_k e^{−2t}λ_k / (Δ_t (e^{−2t}λ_k + Δ_t)),   I = ½ Σ_k ln(1 + e^{−2t}λ_k/Δ_t),
///                           H(X₀ | X_t) = ½ Σ_k ln(2πe λ_kΔ_t/(e^{−2t}λ_k + Δ_t))
///   two clusters ½N(±m, σ²I) in ℝ^d (two points: σ = 0):
///                           dH/dt = d σ² e^{−2t}/(Δ_t Γ_t) + 2|m|² e^{−2t} g′(ρ_t)/Γ_t²,   Γ_t = Δ_t + σ²e^{−2t}
/// </code>
/// with g′ the slope of the binary Gaussian channel's mutual information (<see cref="ClassEntropy.MutualInformationSlope"/>) at
/// ρ_t = |m|²e^{−2t}/Γ_t: the within-cluster posterior variance σ²Δ_t/Γ_t per coordinate plus the between-cluster part
/// E[p(1 − p)] |2mΔ_t/Γ_t|², E[p(1 − p)] = g′(ρ)/2. For two points this equals the class-entropy rate (<see cref="ClassEntropy.Rate"/>).
/// </summary>
public static class StateInformation
{
    /// <summary>dH(X₀ | X_t)/dt for Gaussian data with covariance eigenvalues λ_k ≥ 0. Range: t &gt; 0.</summary>
    public static double GaussianRate(double t, IReadOnlyList<double> eigenvalues)
    {
        Check(t, eigenvalues);
        double delta = OuTime.Delta(t), decay2 = Math.Exp(-2 * t);
        return eigenvalues.Sum(l => decay2 * l / (delta * (decay2 * l + delta)));
    }

    /// <summary>I(X₀; X_t) = ½ Σ ln(1 + e^{−2t}λ_k/Δ_t) (nats) for Gaussian data. Range: t &gt; 0.</summary>
    public static double GaussianInformation(double t, IReadOnlyList<double> eigenvalues)
    {
        Check(t, eigenvalues);
        double delta = OuTime.Delta(t), decay2 = Math.Exp(-2 * t);
        return eigenvalues.Sum(l => 0.5 * OuTime.Log1P(decay2 * l / delta));
    }

    /// <summary>H(X₀ | X_t) = ½ Σ ln(2πe λ_kΔ_t/(e^{−2t}λ_k + Δ_t)) (nats) for Gaussian data with every λ_k &gt; 0. Range: t &gt; 0.</summary>
    public static double GaussianConditionalEntropy(double t, IReadOnlyList<double> eigenvalues)
    {
        Check(t, eigenvalues);
        if (eigenvalues.Any(l => !(l > 0))) throw new ArgumentOutOfRangeException(nameof(eigenvalues), "H(X₀ | X_t) needs every eigenvalue > 0.");
        double delta = OuTime.Delta(t), decay2 = Math.Exp(-2 * t);
        return eigenvalues.Sum(l => 0.5 * Math.Log(2 * Math.PI * Math.E * l * delta / (decay2 * l + delta)));
    }

    /// <summary>dH(X₀ | X_t)/dt for ½N(+m, σ²I) + ½N(−m, σ²I) in ℝ^d (σ = 0: two points ±m). Range: t &gt; 0, |m| ≥ 0, σ ≥ 0, d ≥ 1.</summary>
    public static double TwoClusterRate(double t, double meanNorm, double sigma, int dimension)
    {
        if (!(t > 0) || !double.IsFinite(t)) throw new ArgumentOutOfRangeException(nameof(t), t, "The rate needs finite t > 0.");
        if (!(meanNorm >= 0) || !(sigma >= 0)) throw new ArgumentOutOfRangeException(nameof(meanNorm), "Need |m| ≥ 0 and σ ≥ 0.");
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Need d ≥ 1.");
        double delta = OuTime.Delta(t), decay2 = Math.Exp(-2 * t), gamma = delta + sigma * sigma * decay2;
        double rho = meanNorm * meanNorm * decay2 / gamma;
        return dimension * sigma * sigma * decay2 / (delta * gamma) + 2 * meanNorm * meanNorm * decay2 * ClassEntropy.MutualInformationSlope(rho) / (gamma * gamma);
    }

    private static void Check(double t, IReadOnlyList<double> eigenvalues)
    {
        ArgumentNullException.ThrowIfNull(eigenvalues);
        if (!(t > 0) || !double.IsFinite(t)) throw new ArgumentOutOfRangeException(nameof(t), t, "Need finite t > 0.");
        if (eigenvalues.Count == 0 || eigenvalues.Any(l => !(l >= 0) || !double.IsFinite(l)))
            throw new ArgumentOutOfRangeException(nameof(eigenvalues), "Need at least one eigenvalue, each finite and ≥ 0.");
    }
}
