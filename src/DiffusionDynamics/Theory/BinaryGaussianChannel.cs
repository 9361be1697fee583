using MathNet.Numerics;
using MathNet.Numerics.Integration;

namespace DiffusionDynamics.Theory;

/// <summary>
/// The 1-D problem behind the two-cluster model ½N(+m, σ²I) + ½N(−m, σ²I) projected on m̂ at OU time t
/// (Biroli et al. 2024, arXiv 2402.18491, Sec. 2): q = ±μ + √Γ z with μ = |m| e^{−t}, Γ_t = Δ_t + σ² e^{−2t}.
/// Everything depends on the signal-to-noise ratio a = μ²/Γ = |m|² / (e^{2t} − 1 + σ²) alone, through
/// Gaussian expectations over Y = a + √a z ~ N(a, a) (the posterior log-odds of the class, halved).
/// Expectations are computed in z on [−12, 12] (neglected Gaussian mass below 4e-33) by composite 20-point
/// Gauss–Legendre on panels graded geometrically away from z* = −√a, where the integrands turn (Y = 0) on
/// the scale 1/√a: first panel width min(1, 1/√a)/4, doubling up to width 1. Each panel then holds an
/// analytic integrand varying on a scale no smaller than its width, where 20 points give ~1e-15 relative.
/// A fixed rule (≈ 1–2k evaluations) has an absolute error, unlike adaptive relative targets, which
/// stall when the integral is nearly zero (E tanh(Y) ≈ a for small a).
/// </summary>
internal static class BinaryGaussianChannel
{
    private const double ZMax = 12.0;
    private static readonly double InvSqrt2Pi = 1.0 / Math.Sqrt(2 * Math.PI);

    /// <summary>a_t = |m|² / (e^{2t} − 1 + σ²), the SNR of the projected mixture at OU time t.</summary>
    public static double Snr(double t, double meanNorm, double sigma) =>
        meanNorm * meanNorm / (Time.OuTime.ExpM1(2 * t) + sigma * sigma);

    /// <summary>E_z[h(a + √a z)] for z ~ N(0, 1) (see the class remarks for the rule). Range: a ≥ 0.</summary>
    public static double Expect(Func<double, double> h, double a)
    {
        double r = Math.Sqrt(a);
        double Integrand(double z) => Math.Exp(-0.5 * z * z) * InvSqrt2Pi * h(a + r * z);
        double zStar = Math.Max(-r, -ZMax);
        double w0 = 0.25 * Math.Min(1.0, r > 0 ? 1.0 / r : 1.0);
        return Graded(Integrand, zStar, ZMax, w0) - Graded(Integrand, zStar, -ZMax, w0);
    }

    // ∫ from `from` to `to` (either order; signed) on panels of width w0, 2w0, 4w0, … capped at 1.
    private static double Graded(Func<double, double> f, double from, double to, double w0)
    {
        double length = Math.Abs(to - from), dir = Math.Sign(to - from), sum = 0, pos = 0, w = w0;
        while (pos < length)
        {
            double next = Math.Min(length, pos + w);
            double lo = from + dir * pos, hi = from + dir * next;
            double mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo);
            for (int i = 0; i < Rule.Order; i++) sum += Rule.GetWeight(i) * half * f(mid + half * Rule.GetAbscissa(i));
            pos = next;
            w = Math.Min(2 * w, 1.0);
        }
        return sum;
    }

    private static readonly GaussLegendreRule Rule = new(-1, 1, 20);

    /// <summary>
    /// Mutual information (nats) between the class and q: g(a) = a − E ln cosh(Y), Y ~ N(a, a), so that the
    /// entropy of the mixture is ½ ln(2πeΓ) + g(a). Written as g = [a − E|Y|] + ln 2 − E ln(1 + e^{−2|Y|})
    /// with the folded-normal mean E|Y| = √(2a/π) e^{−a/2} + a (1 − 2Φ(−√a)), so a − E|Y| =
    /// 2aΦ(−√a) − √(2a/π) e^{−a/2} has no cancellation. Range: a ≥ 0; g(0) = 0, g → ln 2 as a → ∞, increasing.
    /// </summary>
    public static double MutualInformation(double a)
    {
        if (a == 0) return 0;
        double r = Math.Sqrt(a);
        double phiTail = 0.5 * SpecialFunctions.Erfc(r / Math.Sqrt(2)); // Φ(−√a)
        double head = 2 * a * phiTail - Math.Sqrt(2 * a / Math.PI) * Math.Exp(-0.5 * a);
        double tail = Expect(y => Time.OuTime.Log1P(Math.Exp(-2 * Math.Abs(y))), a);
        return head + Math.Log(2) - tail;
    }

    /// <summary>
    /// Probability that two clones of q, each resolved to a class with the posterior w±(q), agree:
    /// E[w+² + w−²] = E_{q~G+}[w+(q)] = ½ + ½ E tanh(Y), Y ~ N(a, a). Range: a ≥ 0; ½ at a = 0, → 1 as a → ∞.
    /// </summary>
    public static double AgreementProbability(double a)
    {
        if (a == 0) return 0.5;
        return 0.5 + 0.5 * Expect(Math.Tanh, a);
    }
}
