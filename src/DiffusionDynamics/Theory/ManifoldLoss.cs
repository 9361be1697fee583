using DiffusionDynamics.Time;

namespace DiffusionDynamics.Theory;

/// <summary>
/// Loss of dimensions of linear-manifold data under the exact empirical score of N training points
/// (Achilli et al., "Losing dimensions: geometric memorization in generative diffusion", arXiv 2410.08727;
/// docs/theory.md §6). Direction i of standard deviation s_i is lost to memorization when the noise variance falls below
/// <code>
///   σ²_loss,i = s_i² / (2 ln N)
/// </code>
/// The noise variance here is the variance-exploding one at the data's scale, σ² in x = a + σ z (the paper's clock;
/// OU x(t) = e^{−t}a + √Δ_t z rescaled by e^{t}): σ² = Δ_t e^{2t} = e^{2t} − 1. In OU time the loss threshold is
/// <code>
///   t_loss,i = ½ ln(1 + s_i²/(2 ln N))
/// </code>
/// and a direction is visible above the noise (tangent for the generalizing, Gaussian score) while σ² &lt; s_i²,
/// i.e. t &lt; t_vis,i = ½ ln(1 + s_i²).
/// <para>
/// The per-direction rule is an asymptotic one. At finite d the posterior over training points condenses on a single
/// point at the collapse time t_C of the whole spectrum (Biroli et al., arXiv 2402.18491; <see cref="ExcessEntropy.AnisotropicCollapseTime"/>),
/// the root of ln N = ½ Σ_i ln(1 + s_i²/σ²(t_C)); below it every direction is lost, whatever its own threshold. So a direction
/// is lost, as t decreases, at t_lost,i = max(t_loss,i, t_C), and the predicted tangent dimension is
/// <code>
///   d_tan(t, N) = #{ i : t_lost,i &lt; t &lt; t_vis,i }
/// </code>
/// Higher-variance directions start to be lost first. On the standard d = 30 manifold (2 × std 1, 5 × std 0.3) the exact empirical
/// score starts losing the std-1 directions at 1–2.5 × t_loss(1), and the collapse (t_C ≈ 0.0073 at N = 10⁴) completes the loss of
/// both subspaces, the std-0.3 one long before its own t_loss(0.3) ≈ 0.0024 (README, spectrum).
/// </para>
/// </summary>
public static class ManifoldLoss
{
    /// <summary>VE noise variance at the data's scale: σ²(t) = e^{2t} − 1 = Δ_t e^{2t}. Range: t &gt; 0.</summary>
    public static double NoiseVariance(double t)
    {
        OuTime.RequirePositive(t);
        return OuTime.ExpM1(2 * t);
    }

    /// <summary>OU time of a VE noise variance: t = ½ ln(1 + σ²). Range: σ² &gt; 0 finite.</summary>
    public static double TimeOfNoiseVariance(double sigma2)
    {
        if (!(sigma2 > 0) || !double.IsFinite(sigma2)) throw new ArgumentException($"Noise variance σ² = {sigma2} must be finite and > 0.", nameof(sigma2));
        return 0.5 * OuTime.Log1P(sigma2);
    }

    /// <summary>σ²_loss = s²/(2 ln N): the noise variance below which a direction of std s is lost. Range: s &gt; 0, N ≥ 2.</summary>
    public static double LossNoiseVariance(double std, int n)
    {
        RequireStd(std);
        if (n < 2) throw new ArgumentException($"N = {n} is out of range (N ≥ 2: one point has no direction to lose).", nameof(n));
        return std * std / (2 * Math.Log(n));
    }

    /// <summary>t_loss = ½ ln(1 + s²/(2 ln N)) (OU time). Range: s &gt; 0, N ≥ 2.</summary>
    public static double LossTime(double std, int n) => TimeOfNoiseVariance(LossNoiseVariance(std, n));

    /// <summary>t_vis = ½ ln(1 + s²): above it the noise variance exceeds s² and the direction is not resolved. Range: s &gt; 0.</summary>
    public static double VisibilityTime(double std)
    {
        RequireStd(std);
        return TimeOfNoiseVariance(std * std);
    }

    /// <summary>
    /// t_C of the manifold's spectrum (its d = stds.Count directions with variances s_i²): the root of
    /// ln N = ½ Σ_i ln(1 + s_i²/(e^{2t} − 1)). Range: N ≥ 2, stds ≥ 0 finite, not empty (all zero gives 0).
    /// </summary>
    public static double CollapseTime(IReadOnlyList<double> stds, int n)
    {
        RequireStds(stds);
        return ExcessEntropy.AnisotropicCollapseTime(n, stds.Count, stds.Select(s => s * s).ToArray());
    }

    /// <summary>d_tan(t, N) = #{ i : max(t_loss,i, t_C) &lt; t &lt; t_vis,i } over the stds (zero stds never count). Range: t &gt; 0, N ≥ 2.</summary>
    public static int PredictedTangentDimension(IReadOnlyList<double> stds, int n, double t) =>
        PredictedTangentDimension(stds, n, t, CollapseTime(stds, n));

    /// <summary>The same with t_C = <see cref="CollapseTime"/>(stds, n) already solved (for curves over many t).</summary>
    public static int PredictedTangentDimension(IReadOnlyList<double> stds, int n, double t, double collapseTime)
    {
        RequireStds(stds);
        OuTime.RequirePositive(t);
        return t <= collapseTime ? 0 : stds.Count(s => s > 0 && t > LossTime(s, n) && t < VisibilityTime(s));
    }

    /// <summary>The thresholds of each distinct std (largest first), with its multiplicity. Range: N ≥ 2, stds ≥ 0 finite.</summary>
    public static IReadOnlyList<ManifoldThreshold> Thresholds(IReadOnlyList<double> stds, int n)
    {
        double collapse = CollapseTime(stds, n);
        return stds.Where(s => s > 0).GroupBy(s => s).OrderByDescending(g => g.Key)
            .Select(g => new ManifoldThreshold(g.Key, g.Count(), LossNoiseVariance(g.Key, n), LossTime(g.Key, n), VisibilityTime(g.Key),
                Math.Max(LossTime(g.Key, n), collapse)))
            .ToList();
    }

    private static void RequireStds(IReadOnlyList<double> stds)
    {
        ArgumentNullException.ThrowIfNull(stds);
        if (stds.Count == 0) throw new ArgumentException("stds is empty.", nameof(stds));
        foreach (double s in stds)
            if (!(s >= 0) || !double.IsFinite(s)) throw new ArgumentException($"std {s} must be finite and ≥ 0.", nameof(stds));
    }

    private static void RequireStd(double std)
    {
        if (!(std > 0) || !double.IsFinite(std)) throw new ArgumentException($"std s = {std} must be finite and > 0.", nameof(std));
    }
}

/// <summary>Thresholds of one subspace of the linear manifold (see <see cref="ManifoldLoss"/>; times in OU t).</summary>
/// <param name="Std">Standard deviation s of its directions.</param>
/// <param name="Count">Number of directions with this std.</param>
/// <param name="LossNoiseVariance">σ²_loss = s²/(2 ln N) (VE noise variance).</param>
/// <param name="LossTime">t_loss = ½ ln(1 + σ²_loss).</param>
/// <param name="VisibilityTime">t_vis = ½ ln(1 + s²).</param>
/// <param name="LostTime">t_lost = max(t_loss, t_C): where the direction is lost as t decreases, by its own rule or by the whole-point collapse.</param>
public sealed record ManifoldThreshold(double Std, int Count, double LossNoiseVariance, double LossTime, double VisibilityTime, double LostTime);
