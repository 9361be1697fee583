namespace DiffusionDynamics.Time;

/// <summary>
/// The canonical Ornstein–Uhlenbeck clock t of Biroli et al. 2024 (arXiv 2402.18491):
/// dx = −x dt + √2 dW, x(t) = e^{−t} a + √Δ_t z, Δ_t = 1 − e^{−2t}.
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

    /// <summary>Signal scale e^{−t}.</summary>
    public static double Decay(double t) => Math.Exp(-t);

    /// <summary>Throws unless t is finite and strictly positive (the score is singular at t = 0).</summary>
    public static void RequirePositive(double t, string paramName = "t")
    {
        if (!double.IsFinite(t) || t <= 0)
            throw new ArgumentOutOfRangeException(paramName, t, $"OU time must be finite and > 0 (got {t}).");
    }
}
