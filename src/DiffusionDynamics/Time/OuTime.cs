namespace DiffusionDynamics.Time;

/// <summary>
/// The canonical Ornstein–Uhlenbeck clock t of Biroli et al. 2024 (arXiv 2402.18491):
/// dx = −x dt + √2 dW, x(t) = e^{−t} a + √Δ_t z, Δ_t = 1 − e^{−2t}.
/// Every other clock of the project maps onto it (see <see cref="Clock"/>).
/// </summary>
public static class OuTime
{
    /// <summary>Δ_t = 1 − e^{−2t}, computed as −expm1(−2t) to keep relative accuracy at small t. Range: t ≥ 0.</summary>
    public static double Delta(double t) => -ExpM1(-2.0 * t);

    /// <summary>e^x − 1 with full relative accuracy near 0 (via 2 tanh(x/2) / (1 − tanh(x/2))).</summary>
    public static double ExpM1(double x)
    {
        if (Math.Abs(x) > 0.5) return Math.Exp(x) - 1.0;
        double th = Math.Tanh(0.5 * x);
        return 2.0 * th / (1.0 - th);
    }

    /// <summary>
    /// ln(1 + x) with full relative accuracy near 0 (Goldberg's correction: u = 1 ⊕ x,
    /// ln(1 + x) = ln u · x / (u − 1)); .NET's <c>double.LogP1</c> is the naive ln(x + 1). Range: x ≥ −1.
    /// </summary>
    public static double Log1P(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsPositiveInfinity(u)) return u;
        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>softplus(x) = ln(1 + eˣ), without overflow for large x.</summary>
    public static double Softplus(double x) => Math.Max(x, 0.0) + Log1P(Math.Exp(-Math.Abs(x)));

    /// <summary>Signal scale e^{−t}.</summary>
    public static double Decay(double t) => Math.Exp(-t);

    /// <summary>ᾱ(t) = e^{−2t}, the signal variance of the OU marginal (the DDPM ᾱ in this clock).</summary>
    public static double AlphaBar(double t) => Math.Exp(-2.0 * t);

    /// <summary>t = −½ ln ᾱ, the OU time at which the signal variance is ᾱ. Range: 0 &lt; ᾱ ≤ 1.</summary>
    public static double FromAlphaBar(double alphaBar)
    {
        if (!(alphaBar > 0 && alphaBar <= 1))
            throw new ArgumentOutOfRangeException(nameof(alphaBar), alphaBar, $"ᾱ must lie in (0, 1] (got {alphaBar}).");
        return -0.5 * Math.Log(alphaBar);
    }

    /// <summary>Throws unless t is finite and strictly positive (the score is singular at t = 0).</summary>
    public static void RequirePositive(double t, string paramName = "t")
    {
        if (!double.IsFinite(t) || t <= 0)
            throw new ArgumentOutOfRangeException(paramName, t, $"OU time must be finite and > 0 (got {t}).");
    }

    /// <summary>Throws unless t is finite and ≥ 0.</summary>
    internal static void RequireNonNegative(double t, string paramName = "t")
    {
        if (!double.IsFinite(t) || t < 0)
            throw new ArgumentOutOfRangeException(paramName, t, $"OU time must be finite and ≥ 0 (got {t}).");
    }
}
