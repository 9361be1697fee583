namespace DiffusionDynamics.Time;

/// <summary>
/// The variance-exploding / EDM noise level σ (Karras et al. 2022, arXiv 2206.00364): x_σ = a + σ ε is the
/// OU marginal rescaled by e^{t}, with σ² = (1 − ᾱ)/ᾱ = e^{2t} − 1, so t = ½ ln(1 + σ²) and
/// x(t) = e^{−t} x_σ (Biroli et al. 2024, arXiv 2402.18491; docs/theory.md §1).
/// </summary>
public static class EdmSigma
{
    /// <summary>σ(t) = √(e^{2t} − 1), via expm1 for accuracy at small t. Range: t ≥ 0.</summary>
    public static double FromTime(double t)
    {
        OuTime.RequireNonNegative(t);
        return Math.Sqrt(OuTime.ExpM1(2.0 * t));
    }

    /// <summary>t(σ) = ½ ln(1 + σ²), via log1p for accuracy at small σ. Range: σ ≥ 0, finite.</summary>
    public static double ToTime(double sigma)
    {
        if (!(sigma >= 0) || !double.IsFinite(sigma))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, $"σ must be finite and ≥ 0 (got {sigma}).");
        // ½ ln(1 + σ²) = ln σ + ½ ln(1 + σ⁻²) once σ² would overflow.
        return sigma > 1e150 ? Math.Log(sigma) + 0.5 * OuTime.Log1P(1.0 / (sigma * sigma)) : 0.5 * OuTime.Log1P(sigma * sigma);
    }

    /// <summary>Input scaling e^{−t} = 1/√(1 + σ²) that maps x_σ onto the OU marginal x(t). Range: t ≥ 0.</summary>
    public static double Scale(double t)
    {
        OuTime.RequireNonNegative(t);
        return Math.Exp(-t);
    }
}
