namespace DiffusionDynamics.Time;

/// <summary>
/// DDPM linear schedule (Ho et al. 2020): β_k = β_start + k (β_end − β_start)/(K − 1), k = 0..K−1,
/// ᾱ_k = Π_{i≤k} (1 − β_i), OU time t_k = −½ ln ᾱ_k (Biroli et al. 2024, arXiv 2402.18491; docs/theory.md §1).
/// Defaults K = 1000, β 1e-4 → 0.02, for which ᾱ_0 = 0.9999, ᾱ_499 ≈ 0.078587, ᾱ_999 ≈ 4.0358e-5.
/// </summary>
public static class DdpmLinearSchedule
{
    /// <summary>Default number of steps K = 1000.</summary>
    public const int DefaultSteps = 1000;

    /// <summary>Default β_0 = 1e-4.</summary>
    public const double DefaultBetaStart = 1e-4;

    /// <summary>Default β_{K−1} = 0.02.</summary>
    public const double DefaultBetaEnd = 0.02;

    /// <summary>The default schedule (K = 1000, β 1e-4 → 0.02), built once.</summary>
    public static DiscreteSchedule Default { get; } = Create();

    /// <summary>
    /// The linear schedule. Range: K ≥ 1, 0 &lt; β_start, β_end &lt; 1 (for K = 1 only β_start is used).
    /// </summary>
    public static DiscreteSchedule Create(int steps = DefaultSteps, double betaStart = DefaultBetaStart,
        double betaEnd = DefaultBetaEnd)
    {
        if (steps < 1) throw new ArgumentException($"K must be ≥ 1 (got {steps}).", nameof(steps));
        if (!(betaStart > 0 && betaStart < 1)) throw new ArgumentException($"β_start must lie in (0, 1) (got {betaStart}).", nameof(betaStart));
        if (!(betaEnd > 0 && betaEnd < 1)) throw new ArgumentException($"β_end must lie in (0, 1) (got {betaEnd}).", nameof(betaEnd));
        var betas = new double[steps];
        for (int k = 0; k < steps; k++)
            betas[k] = steps == 1 ? betaStart : betaStart + k * (betaEnd - betaStart) / (steps - 1);
        return new DiscreteSchedule(betas, $"ddpm-linear(K={steps}, β {betaStart}→{betaEnd})");
    }
}
