using MathNet.Numerics;
using MathNet.Numerics.Integration;

namespace DiffusionDynamics.Theory;

/// <summary>
/// The 1-D problem behind the two-cluster model ½N(+m, σ²I) + ½N(−m, σ²I) projected on m̂ at OU time t
/// (Biroli et al. 2024, arXiv 2402.18491, Sec. 2): q = ±μ + √Γ z with μ = |m| e^{−t}, Γ_t = Δ_t + σ² e^{−2t}.
/// Everything depends on the signal-to-noise ratio a = μ²/Γ = |m|² / (e^{2t} − 1 + σ²) alone, through
/// Gaussian expectations over Y = a + √a z ~ N(a, a) (the posterior log-odds of the class, halved).
/// Expectations are computed by adaptive Gauss–Kronrod quadrature in z on [−12, 12] (neglected mass
/// below 4e-33), split at z* = −√a where the integrands turn (Y = 0).
/// </summary>
internal static class BinaryGaussianChannel
{
    private const double ZMax = 12.0;
    private static readonly double InvSqrt2Pi = 1.0 / Math.Sqrt(2 * Math.PI);

    /// <summary>a_t = |m|² / (e^{2t} − 1 + σ²), the SNR of the projected mixture at OU time t.</summary>
    public static double Snr(double t, double meanNorm, double sigma) =>
        meanNorm * meanNorm / (Time.OuTime.ExpM1(2 * t) + sigma * sigma);

    /// <summary>
    /// E_z[h(a + √a z)] for z ~ N(0, 1), by adaptive Gauss–Kronrod (31 points, relative target 1e-14),
    /// with the interval split at Y = 0.
    /// </summary>
    public static double Expect(Func<double, double> h, double a)
    {
        double r = Math.Sqrt(a);
        double Integrand(double z) => Math.Exp(-0.5 * z * z) * InvSqrt2Pi * h(a + r * z);
        double zStar = -r;
        if (zStar <= -ZMax) return Integrate(Integrand, -ZMax, ZMax);
        return Integrate(Integrand, -ZMax, zStar) + Integrate(Integrand, zStar, ZMax);
    }

    private static double Integrate(Func<double, double> f, double lo, double hi) =>
        GaussKronrodRule.Integrate(f, lo, hi, out _, out _, targetRelativeError: 1e-14, maximumDepth: 30, order: 31);

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
