namespace DiffusionDynamics.Theory;

/// <summary>
/// Cloning probability φ(t) of the two-cluster model ½N(+m, σ²I) + ½N(−m, σ²I) (Biroli et al. 2024,
/// arXiv 2402.18491, Sec. 3; docs/theory.md §4): a backward trajectory is copied at time t into two clones that
/// finish independently; φ(t) is the probability both end in the same class (the mixture component). With the
/// projected densities G±(q) = N(q; ±|m| e^{−t}, Γ_t), Γ_t = Δ_t + σ² e^{−2t}, and posteriors
/// w± = G±/(G+ + G−):
/// φ(t) = ½ ∫ dq [G+² + G−²]/[G+ + G−] = E_{q~G+}[w+(q)] = ½ + ½ E_z tanh(a_t + √a_t z),
/// with a_t = |m|²/(e^{2t} − 1 + σ²). The last form (w+ = ½(1 + tanh(|m|e^{−t} q/Γ_t)), q = |m|e^{−t} + √Γ_t z)
/// is integrated by adaptive Gauss–Kronrod, split where the tanh turns, which is the q-integral over
/// |m|e^{−t} ± 12√Γ_t without the cancellation of the quotient form.
/// φ decreases in t from φ(0) = ½ + ½ E tanh(a_0 + √a_0 z), a_0 = |m|²/σ² (→ 1 when |m|/σ is large, the
/// model's regime) to ½ as t → ∞. At t_S = ½ ln(σ² + |m|²) and σ = 1, a = |m|²/(|m|² + 1) → 1 for |m|² = d → ∞,
/// so φ(t_S) → ½ + ½ E tanh(1 + z) ≈ 0.7752 independently of d.
/// </summary>
public static class CloningProbability
{
    /// <summary>φ(t) for |m| and σ. Range: t ≥ 0, |m| ≥ 0, σ ≥ 0, not both t = 0 and σ = 0.</summary>
    public static double TwoCluster(double t, double meanNorm, double sigma)
    {
        Time.OuTime.RequireNonNegative(t);
        ExcessEntropy.CheckMeanNorm(meanNorm);
        ExcessEntropy.CheckSigma(sigma);
        if (t == 0 && sigma == 0) return 1.0; // two separated points: the clone is the trajectory itself
        return FromSnr(BinaryGaussianChannel.Snr(t, meanNorm, sigma));
    }

    /// <summary>φ as a function of the SNR a = |m|² e^{−2t}/Γ_t alone: ½ + ½ E_z tanh(a + √a z). Range: a ≥ 0.</summary>
    public static double FromSnr(double snr)
    {
        if (!(snr >= 0) || double.IsNaN(snr)) throw new ArgumentException($"SNR must be ≥ 0 (got {snr}).", nameof(snr));
        if (double.IsPositiveInfinity(snr)) return 1.0;
        return BinaryGaussianChannel.AgreementProbability(snr);
    }

    /// <summary>
    /// The reference level φ(t_S) at the theoretical speciation time t_S = ½ ln(σ² + |m|²) (≈ 0.7752 for σ = 1,
    /// |m|² = d → ∞). Range: σ² + |m|² &gt; 1 (else t_S ≤ 0 and speciation is not defined).
    /// </summary>
    public static double AtSpeciationTime(double meanNorm, double sigma) =>
        TwoCluster(PositiveSpeciationTime(meanNorm, sigma), meanNorm, sigma);

    /// <summary>The normalized curve φ(τ t_S) as a function of τ = t/t_S. Range: τ ≥ 0, σ² + |m|² &gt; 1.</summary>
    public static double AtRelativeTime(double tOverTs, double meanNorm, double sigma)
    {
        if (!(tOverTs >= 0) || !double.IsFinite(tOverTs))
            throw new ArgumentException($"t/t_S must be finite and ≥ 0 (got {tOverTs}).", nameof(tOverTs));
        return TwoCluster(tOverTs * PositiveSpeciationTime(meanNorm, sigma), meanNorm, sigma);
    }

    private static double PositiveSpeciationTime(double meanNorm, double sigma)
    {
        double tS = SpeciationTime.TwoCluster(meanNorm, sigma);
        if (!(tS > 0))
            throw new ArgumentException($"σ² + |m|² = {sigma * sigma + meanNorm * meanNorm} ≤ 1: t_S ≤ 0, speciation is not defined.", nameof(meanNorm));
        return tS;
    }

    /// <summary>The large-d limit of φ(t_S) for σ = 1, |m|² = d: ½ + ½ E_z tanh(1 + z).</summary>
    public static double LargeDimensionLimitAtSpeciation => FromSnr(1.0);
}
