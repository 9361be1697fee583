namespace DiffusionDynamics.Time;

/// <summary>
/// The variance-preserving SDE clock (Song et al. 2021, arXiv 2011.13456) with linear
/// β(s) = β_min + s (β_max − β_min), s ∈ [0, 1]:
/// ᾱ(s) = exp(−½ s² (β_max − β_min) − s β_min), OU time t(s) = −½ ln ᾱ(s) = ¼ s² (β_max − β_min) + ½ s β_min
/// (Biroli et al. 2024, arXiv 2402.18491; docs/theory.md §1). Defaults β 0.1 → 20, for which t(1) = 5.025.
/// </summary>
/// <param name="BetaMin">β_min = β(0). Range: β_min ≥ 0.</param>
/// <param name="BetaMax">β_max = β(1). Range: β_max ≥ β_min, β_max &gt; 0.</param>
public sealed record VpSde(double BetaMin = VpSde.DefaultBetaMin, double BetaMax = VpSde.DefaultBetaMax)
{
    /// <summary>Default β_min = 0.1.</summary>
    public const double DefaultBetaMin = 0.1;

    /// <summary>Default β_max = 20.</summary>
    public const double DefaultBetaMax = 20.0;

    /// <summary>The default SDE (β 0.1 → 20).</summary>
    public static VpSde Default { get; } = new();

    /// <summary>Validated β_min.</summary>
    public double BetaMin { get; } = BetaMin >= 0 && double.IsFinite(BetaMin)
        ? BetaMin
        : throw new ArgumentException($"β_min must be finite and ≥ 0 (got {BetaMin}).", nameof(BetaMin));

    /// <summary>Validated β_max.</summary>
    public double BetaMax { get; } = BetaMax > 0 && BetaMax >= BetaMin && double.IsFinite(BetaMax)
        ? BetaMax
        : throw new ArgumentException($"β_max must be finite, > 0 and ≥ β_min = {BetaMin} (got {BetaMax}).", nameof(BetaMax));

    /// <summary>β(s) = β_min + s (β_max − β_min). Range: 0 ≤ s ≤ 1.</summary>
    public double Beta(double s) => BetaMin + CheckS(s) * (BetaMax - BetaMin);

    /// <summary>ᾱ(s) = exp(−½ s² (β_max − β_min) − s β_min). Range: 0 ≤ s ≤ 1.</summary>
    public double AlphaBar(double s) => Math.Exp(-2.0 * TimeOf(s));

    /// <summary>t(s) = ¼ s² (β_max − β_min) + ½ s β_min. Range: 0 ≤ s ≤ 1.</summary>
    public double TimeOf(double s)
    {
        CheckS(s);
        return 0.25 * s * s * (BetaMax - BetaMin) + 0.5 * s * BetaMin;
    }

    /// <summary>OU time at s = 1, the end of the SDE's clock.</summary>
    public double MaxTime => TimeOf(1.0);

    /// <summary>
    /// Inverse s(t), the positive root of ¼ (β_max − β_min) s² + ½ β_min s − t = 0, written as
    /// s = 2t / (½ β_min + √(¼ β_min² + (β_max − β_min) t)) to avoid cancellation (also valid when β_max = β_min).
    /// Range: 0 ≤ t ≤ t(1).
    /// </summary>
    public double FromTime(double t)
    {
        OuTime.RequireNonNegative(t);
        double tMax = MaxTime;
        // Allow a few ulps above t(1), so that FromTime(TimeOf(1)) works after rounding.
        if (t > tMax * (1 + 4e-16))
            throw new ArgumentOutOfRangeException(nameof(t), t, $"t = {t} exceeds the SDE's end time t(1) = {tMax}.");
        if (t == 0) return 0;
        double s = 2 * t / (0.5 * BetaMin + Math.Sqrt(0.25 * BetaMin * BetaMin + (BetaMax - BetaMin) * t));
        return Math.Min(s, 1.0);
    }

    private static double CheckS(double s)
    {
        if (!(s >= 0 && s <= 1)) throw new ArgumentOutOfRangeException(nameof(s), s, $"s must lie in [0, 1] (got {s}).");
        return s;
    }
}
