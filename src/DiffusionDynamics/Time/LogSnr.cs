namespace DiffusionDynamics.Time;

/// <summary>
/// Log signal-to-noise ratio λ = ln(ᾱ / (1 − ᾱ)) of the OU marginal, ᾱ = e^{−2t} (Kingma et al. 2021,
/// arXiv 2107.00630; the clock of DPM-Solver, arXiv 2206.00927). In OU time λ(t) = −2t − ln Δ_t = −ln(e^{2t} − 1)
/// = −2 ln σ (Biroli et al. 2024, arXiv 2402.18491; docs/theory.md §1). λ decreases from +∞ at t = 0 to −∞.
/// </summary>
public static class LogSnr
{
    /// <summary>λ(t) = −2t − ln Δ_t (Δ_t = −expm1(−2t), no overflow at large t). Range: t &gt; 0.</summary>
    public static double FromTime(double t)
    {
        OuTime.RequirePositive(t);
        return -2.0 * t - Math.Log(OuTime.Delta(t));
    }

    /// <summary>t(λ) = ½ ln(1 + e^{−λ}) = ½ softplus(−λ). Range: λ finite.</summary>
    public static double ToTime(double lambda)
    {
        if (!double.IsFinite(lambda))
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, $"Log-SNR must be finite (got {lambda}).");
        return 0.5 * OuTime.Softplus(-lambda);
    }
}
