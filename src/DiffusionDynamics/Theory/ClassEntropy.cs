namespace DiffusionDynamics.Theory;

/// <summary>
/// Closed forms of the class entropy H(Y | X_t) along the diffusion for two equally likely classes separated along one
/// direction (docs/theory.md §7.3; Handke et al., arXiv 2506.10433): two points ±a (σ = 0) or the two-cluster mixture
/// ½N(+m, σ²I) + ½N(−m, σ²I). The projection on m̂ is a sufficient statistic for the class, so everything is the binary-input
/// Gaussian channel at SNR ρ_t = |m|² e^{−2t}/Γ_t, Γ_t = Δ_t + σ² e^{−2t} (<see cref="BinaryGaussianChannel"/>):
/// <code>
///   H(Y | X_t)   = ln 2 − g(ρ_t),   g(ρ) = ρ − E ln cosh(Y),  Y ~ N(ρ, ρ)
///   dg/dρ        = ½ (1 − E tanh Y)                              (I-MMSE: ½ mmse of the ±1 input)
///   dH/dt        = −g′(ρ) dρ/dt = g′(ρ) · 2ρ e^{2t}/(e^{2t} − 1 + σ²)  ≥ 0
///   −dH/d ln SNR = dH/dt · Δ_t/2        (SNR_t = e^{−2t}/Δ_t, d ln SNR/dt = −2/Δ_t)
/// </code>
/// The rate is reported as dH/dt ≥ 0: the information produced per unit of generation time τ = −t (−dH/dτ).
/// </summary>
public static class ClassEntropy
{
    /// <summary>ρ_t = |m|² e^{−2t}/Γ_t = |m|²/(e^{2t} − 1 + σ²). Range: t &gt; 0 (or σ &gt; 0), |m| ≥ 0, σ ≥ 0.</summary>
    public static double Snr(double t, double meanNorm, double sigma)
    {
        Check(t, meanNorm, sigma);
        return BinaryGaussianChannel.Snr(t, meanNorm, sigma);
    }

    /// <summary>H(Y | X_t) in nats, ln 2 − g(ρ_t). Range: t ≥ 0 (t &gt; 0 when σ = 0); result in [0, ln 2].</summary>
    public static double Entropy(double t, double meanNorm, double sigma)
    {
        Check(t, meanNorm, sigma);
        if (t == 0 && sigma == 0) return 0;
        double rho = BinaryGaussianChannel.Snr(t, meanNorm, sigma);
        return double.IsPositiveInfinity(rho) ? 0 : Math.Max(0, Math.Log(2) - BinaryGaussianChannel.MutualInformation(rho));
    }

    /// <summary>g′(ρ) = ½ (1 − E tanh Y), Y ~ N(ρ, ρ): half the MMSE of the ±1 input. Range: ρ ≥ 0; ½ at 0, → 0 as ρ → ∞.</summary>
    public static double MutualInformationSlope(double rho)
    {
        if (!(rho >= 0)) throw new ArgumentOutOfRangeException(nameof(rho), rho, "The SNR must be ≥ 0.");
        return rho == 0 ? 0.5 : 0.5 * (1 - BinaryGaussianChannel.Expect(Math.Tanh, rho));
    }

    /// <summary>dH/dt = g′(ρ_t) · 2ρ_t e^{2t}/(e^{2t} − 1 + σ²) ≥ 0 (nats per unit OU time). Range: t &gt; 0.</summary>
    public static double Rate(double t, double meanNorm, double sigma)
    {
        Check(t, meanNorm, sigma);
        if (!(t > 0)) throw new ArgumentOutOfRangeException(nameof(t), t, "The rate needs t > 0.");
        double rho = BinaryGaussianChannel.Snr(t, meanNorm, sigma);
        double e2t = Math.Exp(2 * t);
        return MutualInformationSlope(rho) * 2 * rho * e2t / (Time.OuTime.ExpM1(2 * t) + sigma * sigma);
    }

    /// <summary>−dH/d ln SNR_t = (dH/dt) Δ_t / 2 (nats per e-fold of the SNR e^{−2t}/Δ_t). Range: t &gt; 0.</summary>
    public static double RatePerLogSnr(double t, double meanNorm, double sigma) => Rate(t, meanNorm, sigma) * Time.OuTime.Delta(t) / 2;

    /// <summary>Converts a rate dH/dt into nats per e-fold of the SNR: (dH/dt) Δ_t/2. Range: t &gt; 0.</summary>
    public static double ToPerLogSnr(double rate, double t) => rate * Time.OuTime.Delta(t) / 2;

    /// <summary>Entropy (nats) of a distribution given by its probabilities (0 ln 0 = 0). Range: p ≥ 0, Σp = 1.</summary>
    public static double Shannon(IEnumerable<double> probabilities) =>
        probabilities.Where(p => p > 0).Sum(p => -p * Math.Log(p));

    private static void Check(double t, double meanNorm, double sigma)
    {
        if (!(t >= 0) || double.IsPositiveInfinity(t)) throw new ArgumentOutOfRangeException(nameof(t), t, "t must be finite and ≥ 0.");
        if (!(meanNorm >= 0) || double.IsInfinity(meanNorm)) throw new ArgumentOutOfRangeException(nameof(meanNorm), meanNorm, "|m| must be finite and ≥ 0.");
        if (!(sigma >= 0) || double.IsInfinity(sigma)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be finite and ≥ 0.");
    }
}
