namespace DiffusionDynamics.Theory;

/// <summary>
/// Closed forms of least-action paths (Vastola, arXiv 2504.09761; docs/theory.md §8.4–8.5). For the Ornstein–Uhlenbeck drift f = −x
/// with constant D, the Euler–Lagrange equation of S = ∫|ẋ − f|²/(4D) ds is ẍ = x, so with fixed ends x(0) = x₀, x(T) = x_T:
/// <code>
///   x(s) = A sinh s + x₀ e^{−s},   A = (x_T − x₀ e^{−T}) / sinh T
///   ẋ − f = ẋ + x = A e^{s}
///   S = |A|² (e^{2T} − 1) / (8D)
///   E = (|ẋ|² − |f|²)/(4D) = (|A|² − 2 A·x₀)/(4D)    (constant)
/// </code>
/// For a constant drift f = v the path is the straight line x₀ + (x_T − x₀) s/T and S = |x_T − x₀ − vT|²/(4DT).
/// Range: T &gt; 0, D &gt; 0, x₀ and x_T of one dimension.
/// </summary>
public static class LeastActionClosedForms
{
    private static void Check(double[] x0, double[] xT, double T, double D)
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(xT);
        if (x0.Length != xT.Length || x0.Length == 0) throw new ArgumentException($"x0 and xT must have one dimension ≥ 1 (got {x0.Length} and {xT.Length}).", nameof(xT));
        if (!(T > 0) || !double.IsFinite(T)) throw new ArgumentException($"T must be finite and > 0 (got {T}).", nameof(T));
        if (!(D > 0) || !double.IsFinite(D)) throw new ArgumentException($"D must be finite and > 0 (got {D}).", nameof(D));
    }

    /// <summary>A = (x_T − x₀e^{−T})/sinh T.</summary>
    public static double[] OuCoefficient(double[] x0, double[] xT, double T)
    {
        Check(x0, xT, T, 1);
        double sinhT = Math.Sinh(T), decay = Math.Exp(-T);
        return x0.Select((a, i) => (xT[i] - a * decay) / sinhT).ToArray();
    }

    /// <summary>The OU least-action path at path time s ∈ [0, T].</summary>
    public static double[] OuPath(double[] x0, double[] xT, double T, double s)
    {
        var a = OuCoefficient(x0, xT, T);
        double sinh = Math.Sinh(s), decay = Math.Exp(-s);
        return a.Select((c, i) => c * sinh + x0[i] * decay).ToArray();
    }

    /// <summary>S = |A|²(e^{2T} − 1)/(8D).</summary>
    public static double OuAction(double[] x0, double[] xT, double T, double D = 1)
    {
        Check(x0, xT, T, D);
        var a = OuCoefficient(x0, xT, T);
        return a.Sum(c => c * c) * double.ExpM1(2 * T) / (8 * D);
    }

    /// <summary>E = (|A|² − 2A·x₀)/(4D), the energy conserved along the OU path.</summary>
    public static double OuEnergy(double[] x0, double[] xT, double T, double D = 1)
    {
        Check(x0, xT, T, D);
        var a = OuCoefficient(x0, xT, T);
        return (a.Sum(c => c * c) - 2 * a.Select((c, i) => c * x0[i]).Sum()) / (4 * D);
    }

    /// <summary>S = |x_T − x₀ − vT|²/(4DT) for the constant drift v.</summary>
    public static double ConstantDriftAction(double[] x0, double[] xT, double[] v, double T, double D = 1)
    {
        Check(x0, xT, T, D);
        if (v.Length != x0.Length) throw new ArgumentException($"v must have dimension {x0.Length} (got {v.Length}).", nameof(v));
        return x0.Select((a, i) => xT[i] - a - v[i] * T).Sum(c => c * c) / (4 * D * T);
    }
}
