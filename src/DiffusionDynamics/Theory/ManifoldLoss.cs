using DiffusionDynamics.Time;

namespace DiffusionDynamics.Theory;

/// <summary>
/// Loss of dimensions of linear-manifold data under the exact empirical score of N training points
/// (Achilli et al., "Losing dimensions: geometric memorization in generative diffusion", arXiv 2410.08727;
/// science.md §6). Direction i of standard deviation s_i is lost to memorization when the noise variance falls below
/// <code>
///   σ²_loss,i = s_i² / (2 ln N)
/// </code>
/// The noise variance here is the variance-exploding one at the data's scale, σ² in x = a + σ z (the paper's clock;
/// OU x(t) = e^{−t}a + √Δ_t z rescaled by e^{t}): σ² = Δ_t e^{2t} = e^{2t} − 1. In OU time the loss threshold is
/// <code>
///   t_loss,i = ½ ln(1 + s_i²/(2 ln N))
/// </code>
/// and a direction is visible above the noise (tangent for the generalizing, Gaussian score) while σ² &lt; s_i²,
/// i.e. t &lt; t_vis,i = ½ ln(1 + s_i²). The predicted tangent dimension is
/// <code>
///   d_tan(t, N) = #{ i : t_loss,i &lt; t &lt; t_vis,i }
/// </code>
/// so the highest-variance directions are lost first as t decreases.
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

    /// <summary>d_tan(t, N) = #{ i : t_loss,i &lt; t &lt; t_vis,i } over the stds (zero stds never count). Range: t &gt; 0, N ≥ 2.</summary>
    public static int PredictedTangentDimension(IReadOnlyList<double> stds, int n, double t)
    {
        ArgumentNullException.ThrowIfNull(stds);
        OuTime.RequirePositive(t);
        int count = 0;
        foreach (double s in stds)
        {
            if (!(s >= 0) || !double.IsFinite(s)) throw new ArgumentException($"std {s} must be finite and ≥ 0.", nameof(stds));
            if (s > 0 && t > LossTime(s, n) && t < VisibilityTime(s)) count++;
        }
        return count;
    }

    /// <summary>The thresholds of each distinct std (largest first), with its multiplicity. Range: N ≥ 2, stds ≥ 0 finite.</summary>
    public static IReadOnlyList<ManifoldThreshold> Thresholds(IReadOnlyList<double> stds, int n)
    {
        ArgumentNullException.ThrowIfNull(stds);
        if (stds.Count == 0) throw new ArgumentException("stds is empty.", nameof(stds));
        return stds.Where(s => s > 0).GroupBy(s => s).OrderByDescending(g => g.Key)
            .Select(g => new ManifoldThreshold(g.Key, g.Count(), LossNoiseVariance(g.Key, n), LossTime(g.Key, n), VisibilityTime(g.Key)))
            .ToList();
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
public sealed record ManifoldThreshold(double Std, int Count, double LossNoiseVariance, double LossTime, double VisibilityTime);
