namespace DiffusionDynamics.Time;

/// <summary>
/// Cosine schedule (Nichol &amp; Dhariwal 2021, arXiv 2102.09672): ᾱ(u) = f(u)/f(0) with
/// f(u) = cos²(π/2 · (u + s)/(1 + s)), s = 0.008, u ∈ [0, 1]; OU time t = −½ ln ᾱ (docs/theory.md §1).
/// The discrete schedule follows the reference code: β_k = min(1 − ᾱ((k+1)/K)/ᾱ(k/K), β_max),
/// β_max = 0.999, ᾱ_k = Π_{i≤k}(1 − β_i), so ᾱ_k = ᾱ((k+1)/K) except where the clipping acts (the last
/// steps, where ᾱ(u) → 0 as u → 1; the clip keeps t_{K−1} finite).
/// </summary>
public static class CosineSchedule
{
    /// <summary>Default offset s = 0.008.</summary>
    public const double DefaultOffset = 0.008;

    /// <summary>Default β clip 0.999.</summary>
    public const double DefaultMaxBeta = 0.999;

    /// <summary>The default discrete schedule (K = 1000, s = 0.008, β ≤ 0.999), built once.</summary>
    public static DiscreteSchedule Default { get; } = Create();

    /// <summary>Continuous ᾱ(u) = cos²(π/2 · (u+s)/(1+s)) / cos²(π/2 · s/(1+s)). Range: 0 ≤ u &lt; 1, s &gt; 0.</summary>
    public static double AlphaBar(double u, double s = DefaultOffset)
    {
        CheckOffset(s);
        if (!(u >= 0 && u < 1)) throw new ArgumentOutOfRangeException(nameof(u), u, $"u must lie in [0, 1) (got {u}).");
        double c = Math.Cos(0.5 * Math.PI * (u + s) / (1 + s));
        double c0 = Math.Cos(0.5 * Math.PI * s / (1 + s));
        return c * c / (c0 * c0);
    }

    /// <summary>
    /// OU time of the continuous schedule, t(u) = −½ ln ᾱ(u) = −ln(cos(θ₀ + δ)/cos θ₀) with θ₀ = π/2 · s/(1+s),
    /// δ = π/2 · u/(1+s), evaluated as −ln1p(−2 sin²(δ/2) − tan θ₀ sin δ) for relative accuracy at small u.
    /// Range: 0 ≤ u &lt; 1.
    /// </summary>
    public static double TimeOf(double u, double s = DefaultOffset)
    {
        CheckOffset(s);
        if (!(u >= 0 && u < 1)) throw new ArgumentOutOfRangeException(nameof(u), u, $"u must lie in [0, 1) (got {u}).");
        double theta0 = 0.5 * Math.PI * s / (1 + s);
        double delta = 0.5 * Math.PI * u / (1 + s);
        double half = Math.Sin(0.5 * delta);
        return -OuTime.Log1P(-2 * half * half - Math.Tan(theta0) * Math.Sin(delta));
    }

    /// <summary>
    /// Inverse of <see cref="TimeOf"/>: u(t) = (1+s)·(2/π)·θ − s with cos θ = e^{−t} cos θ₀, θ₀ = π/2 · s/(1+s).
    /// θ is evaluated as atan2(√(sin²θ₀ + cos²θ₀ Δ_t), e^{−t} cos θ₀) (since sin²θ = sin²θ₀ + cos²θ₀ Δ_t),
    /// which stays accurate near t = 0 where arccos is ill-conditioned. Range: t ≥ 0 (u → 1 as t → ∞).
    /// </summary>
    public static double FromTime(double t, double s = DefaultOffset)
    {
        CheckOffset(s);
        OuTime.RequireNonNegative(t);
        double theta0 = 0.5 * Math.PI * s / (1 + s);
        double c0 = Math.Cos(theta0), s0 = Math.Sin(theta0);
        double theta = Math.Atan2(Math.Sqrt(s0 * s0 + c0 * c0 * OuTime.Delta(t)), Math.Exp(-t) * c0);
        return (1 + s) * (2 / Math.PI) * theta - s;
    }

    /// <summary>The discrete cosine schedule. Range: K ≥ 1, s &gt; 0, 0 &lt; β_max &lt; 1.</summary>
    public static DiscreteSchedule Create(int steps = DdpmLinearSchedule.DefaultSteps, double s = DefaultOffset,
        double maxBeta = DefaultMaxBeta)
    {
        if (steps < 1) throw new ArgumentException($"K must be ≥ 1 (got {steps}).", nameof(steps));
        CheckOffset(s);
        if (!(maxBeta > 0 && maxBeta < 1)) throw new ArgumentException($"β_max must lie in (0, 1) (got {maxBeta}).", nameof(maxBeta));
        var betas = new double[steps];
        for (int k = 0; k < steps; k++)
        {
            // 1 − cos²x / cos²y = sin(x + y) sin(x − y) / cos²y, with x, y the angles at (k+1)/K and k/K:
            // no cancellation for the small β of the first steps.
            double x = 0.5 * Math.PI * ((double)(k + 1) / steps + s) / (1 + s);
            double y = 0.5 * Math.PI * ((double)k / steps + s) / (1 + s);
            double cy = Math.Cos(y);
            betas[k] = Math.Min(Math.Sin(x + y) * Math.Sin(x - y) / (cy * cy), maxBeta);
        }
        return new DiscreteSchedule(betas, $"cosine(K={steps}, s={s}, β≤{maxBeta})");
    }

    private static void CheckOffset(double s)
    {
        if (!(s > 0) || !double.IsFinite(s))
            throw new ArgumentException($"Offset s must be finite and > 0 (got {s}).", nameof(s));
    }
}
