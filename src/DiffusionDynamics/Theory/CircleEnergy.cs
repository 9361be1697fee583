using MathNet.Numerics;

namespace DiffusionDynamics.Theory;

/// <summary>
/// The associative-memory energy of points spread uniformly on the unit circle, in the continuum limit
/// (Pham, Raya, Negri, Zaki, Ambrogioni &amp; Krotov 2025, arXiv 2505.21777; docs/theory.md §6).
/// <para>
/// Energy E(x) = −(1/β) ln Σ_μ exp(−β|x − ξ_μ|²). For ξ_μ = (cos θ_μ, sin θ_μ) uniform and |x| = r,
/// |x − ξ|² = r² + 1 − 2r cos θ, and the angular average is (1/2π)∫ e^{2βr cos θ} dθ = I₀(2βr), so
/// E(r) = r² + 1 − (1/β) ln I₀(2βr) + const. Stationarity dE/dr = 2r − 2 I₁(2βr)/I₀(2βr) = 0 gives the ring radius
/// R = I₁(2βR)/I₀(2βR). Since I₁(z)/I₀(z) = z/2 − z³/16 + …, a root R &gt; 0 exists iff β &gt; 1 (for β ≤ 1 the only
/// minimum is the centre r = 0).
/// </para>
/// <para>
/// Link to the OU time: P_t^e(x) ∝ Σ_μ exp(−|x − e^{−t}ξ_μ|²/(2Δ_t)). In rescaled coordinates y = x/e^{−t} this is
/// Σ_μ exp(−|y − ξ_μ|²/(2Δ_t e^{2t})), a sum of Gaussians of variance σ² = Δ_t e^{2t} = e^{2t} − 1, so
/// −ln P_t^e = β E(y) + const with β = 1/(2σ²) = 1/(2(e^{2t} − 1)). The ring appears (β = 1) at t = ½ ln(3/2).
/// </para>
/// </summary>
public static class CircleEnergy
{
    /// <summary>β = 1/(2(e^{2t} − 1)), the inverse temperature of P_t^e in rescaled coordinates. Range: t &gt; 0.</summary>
    public static double BetaFromTime(double t)
    {
        if (!(t > 0) || double.IsInfinity(t)) throw new ArgumentException($"t must be finite and > 0 (got {t}).", nameof(t));
        return 0.5 / double.ExpM1(2 * t);
    }

    /// <summary>t = ½ ln(1 + 1/(2β)), the inverse of <see cref="BetaFromTime"/>. Range: β &gt; 0.</summary>
    public static double TimeFromBeta(double beta)
    {
        if (!(beta > 0) || double.IsInfinity(beta)) throw new ArgumentException($"beta must be finite and > 0 (got {beta}).", nameof(beta));
        return 0.5 * double.LogP1(0.5 / beta);
    }

    /// <summary>The critical inverse temperature β_c = 1 below which the centre is the only minimum.</summary>
    public const double CriticalBeta = 1.0;

    /// <summary>t_c = ½ ln(3/2), the OU time at which β = 1.</summary>
    public static double CriticalTime => 0.5 * Math.Log(1.5);

    /// <summary>I₁(z)/I₀(z) for z ≥ 0 (MathNet's Bessel functions; the asymptotic series 1 − 1/(2z) − 1/(8z²) − 1/(8z³) for z &gt; 600 where I₀ overflows).</summary>
    public static double BesselRatio(double z)
    {
        if (!(z >= 0) || double.IsInfinity(z)) throw new ArgumentException($"z must be finite and ≥ 0 (got {z}).", nameof(z));
        if (z > 600) return 1 - 0.5 / z - 0.125 / (z * z) - 0.125 / (z * z * z);
        return SpecialFunctions.BesselI1(z) / SpecialFunctions.BesselI0(z);
    }

    /// <summary>Continuum energy E(r) = r² + 1 − (1/β) ln I₀(2βr) (the normalised angular average; additive constant dropped). Range: r ≥ 0, β &gt; 0.</summary>
    public static double Energy(double r, double beta)
    {
        if (!(r >= 0) || double.IsInfinity(r)) throw new ArgumentException($"r must be finite and ≥ 0 (got {r}).", nameof(r));
        if (!(beta > 0) || double.IsInfinity(beta)) throw new ArgumentException($"beta must be finite and > 0 (got {beta}).", nameof(beta));
        double z = 2 * beta * r;
        return r * r + 1 - LogBesselI0(z) / beta;
    }

    /// <summary>ln I₀(z), z ≥ 0: MathNet's I₀ up to z = 600, above it the asymptotic z − ½ ln(2πz) + ln(1 + 1/(8z) + 9/(128z²)).</summary>
    public static double LogBesselI0(double z)
    {
        if (!(z >= 0) || double.IsInfinity(z)) throw new ArgumentException($"z must be finite and ≥ 0 (got {z}).", nameof(z));
        if (z <= 600) return Math.Log(SpecialFunctions.BesselI0(z));
        return z - 0.5 * Math.Log(2 * Math.PI * z) + Math.Log(1 + 0.125 / z + 9.0 / (128 * z * z));
    }

    /// <summary>
    /// The ring radius R: the root in (0, 1) of R = I₁(2βR)/I₀(2βR) for β &gt; 1 (bisection to 1e-14), and 0 for β ≤ 1.
    /// Range: β &gt; 0.
    /// </summary>
    public static double MinimumRadius(double beta)
    {
        if (!(beta > 0) || double.IsInfinity(beta)) throw new ArgumentException($"beta must be finite and > 0 (got {beta}).", nameof(beta));
        if (beta <= CriticalBeta) return 0;
        // g(r) = I₁/I₀(2βr) − r: g > 0 just above 0 (slope β − 1 > 0) and g(1) = I₁/I₀(2β) − 1 < 0; g is concave on (0, ∞).
        double lo = 0, hi = 1;
        double probe = 1e-3;
        while (probe > 1e-300 && !(BesselRatio(2 * beta * probe) - probe > 0)) probe *= 0.5;
        lo = probe;
        for (int i = 0; i < 200 && hi - lo > 1e-14; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (BesselRatio(2 * beta * mid) - mid > 0) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
