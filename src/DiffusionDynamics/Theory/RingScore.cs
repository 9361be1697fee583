using MathNet.Numerics;

namespace DiffusionDynamics.Theory;

/// <summary>
/// The exact score of ring data in the OU clock (the ring of Vastola, arXiv 2504.09761; docs/theory.md §8.6): clean points
/// a = R u(θ) + w n, θ uniform, n ~ N(0, I₂), so x(t) = e^{−t}a + √Δ_t z has the density
/// <code>
///   P_t(x) = (1/2π)∫ N(x; m u(θ), σ² I) dθ ∝ exp(−(ρ² + m²)/(2σ²)) I₀(ρm/σ²),   m = e^{−t}R,  σ² = e^{−2t}w² + Δ_t,  ρ = |x|
///   ∇ln P_t = −x/σ² + (m/σ²) B(z) x/ρ,   z = ρm/σ²,   B = I₁/I₀
///   ∂∇ln P_t = −I/σ² + (m/σ²)[B(z)/ρ (I − x̂x̂ᵀ) + (m/σ²) B′(z) x̂x̂ᵀ],   B′ = 1 − B/z − B²
/// </code>
/// Rotation invariant: the reverse drift x + 2∇ln P_t is equivariant, so least-action paths conserve angular momentum.
/// Range: R &gt; 0, w ≥ 0, t &gt; 0.
/// </summary>
public sealed class RingScore
{
    /// <summary>A ring of radius <paramref name="radius"/> and Gaussian width <paramref name="width"/>.</summary>
    public RingScore(double radius = 1, double width = 0.1)
    {
        if (!(radius > 0) || !double.IsFinite(radius)) throw new ArgumentException($"radius must be finite and > 0 (got {radius}).", nameof(radius));
        if (!(width >= 0) || !double.IsFinite(width)) throw new ArgumentException($"width must be finite and ≥ 0 (got {width}).", nameof(width));
        Radius = radius;
        Width = width;
    }

    /// <summary>R.</summary>
    public double Radius { get; }

    /// <summary>w.</summary>
    public double Width { get; }

    /// <summary>B(z) = I₁(z)/I₀(z) (exponentially scaled Bessel functions, no overflow); B(0) = 0.</summary>
    public static double BesselRatio(double z) => z == 0 ? 0 : SpecialFunctions.BesselIScaled(1, z) / SpecialFunctions.BesselIScaled(0, z);

    /// <summary>(m, σ²) at time t.</summary>
    public (double M, double Sigma2) Moments(double t)
    {
        if (!(t > 0) || !double.IsFinite(t)) throw new ArgumentException($"t must be finite and > 0 (got {t}).", nameof(t));
        double decay = Math.Exp(-t);
        return (decay * Radius, decay * decay * Width * Width - double.ExpM1(-2 * t));
    }

    /// <summary>∇ln P_t(x) for one 2-D point into <paramref name="score"/>; with <paramref name="v"/> non-empty also (∂∇ln P_t) v (symmetric) into <paramref name="jv"/>.</summary>
    public void Evaluate(ReadOnlySpan<double> x, double t, Span<double> score, ReadOnlySpan<double> v, Span<double> jv)
    {
        var (m, s2) = Moments(t);
        double rho = Math.Sqrt(x[0] * x[0] + x[1] * x[1]);
        double z = rho * m / s2, b = BesselRatio(z);
        // Radial gain g(ρ) = m B(z)/(σ² ρ) → m²/(2σ⁴) as ρ → 0 (B(z) ≈ z/2).
        double radial = rho > 1e-12 ? m * b / (s2 * rho) : m * m / (2 * s2 * s2);
        score[0] = (-1 / s2 + radial) * x[0];
        score[1] = (-1 / s2 + radial) * x[1];
        if (v.IsEmpty) return;
        double bPrime = z > 1e-8 ? 1 - b / z - b * b : 0.5;
        double along = m * m / (s2 * s2) * bPrime;                 // curvature along x̂
        double ux = rho > 1e-12 ? x[0] / rho : 1, uy = rho > 1e-12 ? x[1] / rho : 0;
        double vr = ux * v[0] + uy * v[1];
        // −v/σ² + radial (v − x̂ x̂·v) + along x̂ x̂·v
        jv[0] = (-1 / s2 + radial) * v[0] + (along - radial) * vr * ux;
        jv[1] = (-1 / s2 + radial) * v[1] + (along - radial) * vr * uy;
    }
}

/// <summary>
/// The reverse-time drift of the OU diffusion of ring data (docs/theory.md §8.6): in path time s = t₀ − t (from noise at t₀ toward
/// the data), dx = [x + 2∇ln P_{t₀−s}(x)] ds + √2 dW (D = 1). Rotation invariant, not time homogeneous.
/// </summary>
public sealed class RingReverseDrift(RingScore ring, double startTime) : IPathDrift
{
    /// <summary>The ring.</summary>
    public RingScore Ring { get; } = ring ?? throw new ArgumentNullException(nameof(ring));

    /// <summary>t₀, the OU time at path time s = 0.</summary>
    public double StartTime { get; } = startTime > 0 && double.IsFinite(startTime) ? startTime : throw new ArgumentException($"startTime must be finite and > 0 (got {startTime}).", nameof(startTime));

    /// <inheritdoc />
    public int Dimension => 2;

    /// <inheritdoc />
    public string Name => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"reverse OU drift x + 2∇ln P_t of the ring R = {Ring.Radius:G4}, w = {Ring.Width:G4}");

    /// <inheritdoc />
    public bool TimeHomogeneous => false;

    /// <inheritdoc />
    public bool TranslationInvariant => false;

    /// <inheritdoc />
    public bool RotationInvariant => true;

    /// <inheritdoc />
    public void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> s, ReadOnlySpan<double> v, Span<double> f, Span<double> jtv)
    {
        Span<double> score = stackalloc double[2], jv = stackalloc double[2];
        for (int k = 0; k < s.Length; k++)
        {
            var xk = x.Slice(2 * k, 2);
            var vk = v.IsEmpty ? ReadOnlySpan<double>.Empty : v.Slice(2 * k, 2);
            Ring.Evaluate(xk, StartTime - s[k], score, vk, jv);
            f[2 * k] = xk[0] + 2 * score[0];
            f[2 * k + 1] = xk[1] + 2 * score[1];
            if (vk.IsEmpty) continue;
            jtv[2 * k] = vk[0] + 2 * jv[0];                       // ∂f = I + 2∂∇ln P, symmetric
            jtv[2 * k + 1] = vk[1] + 2 * jv[1];
        }
    }
}
