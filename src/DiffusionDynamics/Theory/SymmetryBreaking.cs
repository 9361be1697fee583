using DiffusionDynamics.Time;

namespace DiffusionDynamics.Theory;

/// <summary>
/// Which backward drift f(x, t) = x + c ∇ln P_t(x) is analysed (OU clock, docs/theory.md §3): the reverse SDE (c = 2)
/// or the probability-flow ODE (c = 1). The backward dynamics runs dx/dτ = f with τ = −t, so a fixed point is
/// stable when the eigenvalues of ∂f are negative.
/// </summary>
public enum ReverseDrift
{
    /// <summary>Reverse SDE drift x + 2∇ln P_t(x) (Raya &amp; Ambrogioni, arXiv 2305.19693).</summary>
    Sde,

    /// <summary>Probability-flow ODE drift x + ∇ln P_t(x).</summary>
    ProbabilityFlow,
}

/// <summary>
/// Closed forms of spontaneous symmetry breaking in the backward dynamics (Raya &amp; Ambrogioni 2023,
/// arXiv 2305.19693; the linear regime of Biroli et al. 2024, arXiv 2402.18491, Sec. 4). With θ = e^{−t},
/// Δ_t = 1 − θ², the two-cluster model ½N(+m, σ²I) + ½N(−m, σ²I) (M = |m|², Γ_t = Δ_t + σ²θ²) has along
/// q = x·m̂ the score s(q) = (|m|θ/Γ_t) tanh(|m|θq/Γ_t) − q/Γ_t, so the drift with coefficient c is
/// <code>
///   f(q, t) = (1 − c/Γ_t) q + (c|m|θ/Γ_t) tanh(|m|θ q/Γ_t)          (fixed points f = 0)
///   f′(0, t) = 1 − c/Γ_t + c M θ²/Γ_t²                               (slope at the centre)
/// </code>
/// The two-point data ½δ(x−1) + ½δ(x+1) are M = 1, σ = 0 (Γ_t = Δ_t): for the SDE (c = 2) the fixed points solve
/// (1 + θ²) x = 2θ tanh(θx/(1 − θ²)) and the origin turns unstable at θ⁴ + 2θ² − 1 = 0, ᾱ = θ² = √2 − 1.
/// Setting f′(0) = 0 with Γ = 1 + aθ², a = σ² − 1:
/// <code>
///   SDE (c = 2):  a²θ⁴ + 2Mθ² − 1 = 0   ⇒  θ²_c = 1 / (M + √(M² + a²))
///   ODE (c = 1):  a²θ⁴ + (a + M)θ² = 0  ⇒  θ²_c = (1 − σ² − M) / (σ² − 1)²   (two points: θ²_c = 1 − M)
/// </code>
/// For the PF-ODE the centre is unstable at every t when Λ = σ² + M ≥ 1 (the two-point data ±1 sit exactly at the
/// limit: f′(0) = θ⁴/Δ_t² &gt; 0, critical θ² = 0, t = ∞); it has a finite critical time only when Λ &lt; 1.
/// A Gaussian mode of variance λ has drift eigenvalue 1 − c/(θ²λ + Δ_t): it changes sign at θ² = 1/(λ − 1)
/// (SDE, t = ½ ln(λ − 1), needs λ &gt; 2), while for the PF-ODE its sign is that of λ − 1 at every t.
/// </summary>
public static class SymmetryBreaking
{
    /// <summary>The coefficient c of the score in the drift: 2 (SDE) or 1 (PF-ODE).</summary>
    public static double ScoreCoefficient(ReverseDrift drift) => drift switch
    {
        ReverseDrift.Sde => 2.0,
        ReverseDrift.ProbabilityFlow => 1.0,
        _ => throw new ArgumentException($"Unknown drift {drift}.", nameof(drift)),
    };

    /// <summary>
    /// ᾱ_c = θ_c² at which the two-cluster centre turns unstable along m̂ (formulas in the class summary);
    /// NaN when f′(0) does not change sign at a finite t &gt; 0 (θ² ∉ (0, 1)).
    /// For the two-point data (M = 1, σ = 0): √2 − 1 (SDE) and 0, i.e. t = ∞ (PF-ODE).
    /// Range: M = |m|² &gt; 0, σ ≥ 0.
    /// </summary>
    public static double CriticalAlphaBar(ReverseDrift drift, double meanNormSq = 1.0, double sigma = 0.0)
    {
        CheckModel(meanNormSq, sigma);
        double a = sigma * sigma - 1.0, m = meanNormSq;
        double u = drift switch
        {
            ReverseDrift.Sde => 1.0 / (m + Math.Sqrt(m * m + a * a)),
            ReverseDrift.ProbabilityFlow => a == 0 ? double.NaN : -(a + m) / (a * a),
            _ => throw new ArgumentException($"Unknown drift {drift}.", nameof(drift)),
        };
        return u > 0 && u < 1 ? u : (u == 0 ? 0.0 : double.NaN);
    }

    /// <summary>
    /// t_c = −½ ln θ_c², the OU time at which the centre turns unstable (below t_c it is unstable);
    /// +∞ when θ_c² = 0, NaN when there is no crossing. Two-point SDE: −½ ln(√2 − 1) ≈ 0.4407.
    /// </summary>
    public static double CriticalTime(ReverseDrift drift, double meanNormSq = 1.0, double sigma = 0.0)
    {
        double u = CriticalAlphaBar(drift, meanNormSq, sigma);
        return double.IsNaN(u) ? double.NaN : (u == 0 ? double.PositiveInfinity : -0.5 * Math.Log(u));
    }

    /// <summary>
    /// f′(0, t) = 1 − c/Γ_t + c M θ²/Γ_t², the drift's slope along m̂ at the centre (positive: unstable).
    /// Two-point SDE: 1 − 2/Δ_t + 2θ²/Δ_t² = (θ⁴ + 2θ² − 1)/Δ_t². Range: t &gt; 0.
    /// </summary>
    public static double CentreSlope(ReverseDrift drift, double t, double meanNormSq = 1.0, double sigma = 0.0)
    {
        CheckModel(meanNormSq, sigma);
        OuTime.RequirePositive(t);
        double c = ScoreCoefficient(drift), theta2 = OuTime.AlphaBar(t), gamma = Gamma(t, sigma);
        return 1.0 - c / gamma + c * meanNormSq * theta2 / (gamma * gamma);
    }

    /// <summary>The drift's slope orthogonal to m̂ (any x): 1 − c/Γ_t. Range: t &gt; 0, σ ≥ 0.</summary>
    public static double TransverseSlope(ReverseDrift drift, double t, double sigma = 0.0)
    {
        CheckModel(1.0, sigma);
        OuTime.RequirePositive(t);
        return 1.0 - ScoreCoefficient(drift) / Gamma(t, sigma);
    }

    /// <summary>
    /// The drift along m̂, f(q, t) = (1 − c/Γ_t) q + (c|m|θ/Γ_t) tanh(|m|θq/Γ_t); two-point SDE:
    /// f = [2θ tanh(θq/Δ_t) − (1 + θ²) q] / Δ_t. Range: t &gt; 0, q finite.
    /// </summary>
    public static double Drift(ReverseDrift drift, double t, double q, double meanNormSq = 1.0, double sigma = 0.0)
    {
        CheckModel(meanNormSq, sigma);
        OuTime.RequirePositive(t);
        if (!double.IsFinite(q)) throw new ArgumentException($"q must be finite (got {q}).", nameof(q));
        double c = ScoreCoefficient(drift), theta = OuTime.Decay(t), gamma = Gamma(t, sigma), norm = Math.Sqrt(meanNormSq);
        return (1.0 - c / gamma) * q + c * norm * theta / gamma * Math.Tanh(norm * theta * q / gamma);
    }

    /// <summary>
    /// The potential along m̂ with f = −∂V/∂q, V(0) = 0: V(q, t) = −½(1 − c/Γ_t) q² − c ln cosh(|m|θq/Γ_t).
    /// For σ = 1 and the SDE this is Biroli et al.'s V(q, t) = q²/2 − 2 ln cosh(q|m|e^{−t}).
    /// </summary>
    public static double Potential(ReverseDrift drift, double t, double q, double meanNormSq = 1.0, double sigma = 0.0)
    {
        CheckModel(meanNormSq, sigma);
        OuTime.RequirePositive(t);
        double c = ScoreCoefficient(drift), theta = OuTime.Decay(t), gamma = Gamma(t, sigma);
        double u = Math.Abs(Math.Sqrt(meanNormSq) * theta * q / gamma);
        double logCosh = u + OuTime.Log1P(Math.Exp(-2 * u)) - Math.Log(2);
        return -0.5 * (1.0 - c / gamma) * q * q - c * logCosh;
    }

    /// <summary>
    /// The positive fixed point q₊ &gt; 0 of f(q, t) = 0 along m̂ (the symmetric one is −q₊), by bisection on the
    /// decreasing function f(q)/q (f is concave for q &gt; 0 with f(0) = 0, so the positive root is unique); NaN when
    /// the origin is the only fixed point (f′(0) ≤ 0, or 1 − c/Γ_t ≥ 0 so the drift never turns back).
    /// Two-point SDE: the positive root of (1 + θ²) x = 2θ tanh(θx/(1 − θ²)).
    /// </summary>
    public static double PositiveFixedPoint(ReverseDrift drift, double t, double meanNormSq = 1.0, double sigma = 0.0)
    {
        CheckModel(meanNormSq, sigma);
        OuTime.RequirePositive(t);
        double c = ScoreCoefficient(drift), theta = OuTime.Decay(t), gamma = Gamma(t, sigma), norm = Math.Sqrt(meanNormSq);
        double linear = 1.0 - c / gamma;
        double slope = CentreSlope(drift, t, meanNormSq, sigma);
        if (!(slope > 0) || !(linear < 0)) return double.NaN;
        // f(q) < linear·q + c|m|θ/Γ, negative beyond q = c|m|θ/(Γ·|linear|).
        double hi = 1.01 * c * norm * theta / (gamma * -linear) + 1e-300;
        double Ratio(double q) => q == 0 ? slope : Drift(drift, t, q, meanNormSq, sigma) / q;
        return MonotoneRoot.Bisect(q => -Ratio(q), 0.0, hi);
    }

    /// <summary>
    /// Eigenvalues 1 − c/(θ²λ_k + Δ_t) of the drift's Jacobian for Gaussian data of covariance eigenvalues λ_k
    /// (the Jacobian is the same at every x). Range: t &gt; 0, λ_k ≥ 0.
    /// </summary>
    public static double[] GaussianDriftEigenvalues(ReverseDrift drift, double t, IReadOnlyList<double> lambdas)
    {
        ArgumentNullException.ThrowIfNull(lambdas);
        OuTime.RequirePositive(t);
        double c = ScoreCoefficient(drift), theta2 = OuTime.AlphaBar(t), delta = OuTime.Delta(t);
        return lambdas.Select(l =>
        {
            if (!(l >= 0) || !double.IsFinite(l)) throw new ArgumentException($"Eigenvalues λ_k must be finite and ≥ 0 (got {l}).", nameof(lambdas));
            return 1.0 - c / (theta2 * l + delta);
        }).ToArray();
    }

    /// <summary>
    /// The OU time at which a Gaussian mode of variance λ turns unstable: SDE t = ½ ln(λ − 1) for λ &gt; 2 (NaN
    /// otherwise); PF-ODE: never at finite t (NaN; the mode is unstable at every t when λ &gt; 1).
    /// </summary>
    public static double GaussianCriticalTime(ReverseDrift drift, double lambda)
    {
        if (!(lambda >= 0) || !double.IsFinite(lambda)) throw new ArgumentException($"λ must be finite and ≥ 0 (got {lambda}).", nameof(lambda));
        _ = ScoreCoefficient(drift);
        return drift == ReverseDrift.Sde && lambda > 2 ? 0.5 * Math.Log(lambda - 1) : double.NaN;
    }

    private static double Gamma(double t, double sigma) => OuTime.Delta(t) + sigma * sigma * OuTime.AlphaBar(t);

    private static void CheckModel(double meanNormSq, double sigma)
    {
        if (!(meanNormSq > 0) || !double.IsFinite(meanNormSq)) throw new ArgumentException($"|m|² must be finite and > 0 (got {meanNormSq}).", nameof(meanNormSq));
        if (!(sigma >= 0) || !double.IsFinite(sigma)) throw new ArgumentException($"σ must be finite and ≥ 0 (got {sigma}).", nameof(sigma));
    }
}
