namespace DiffusionDynamics.Time;

/// <summary>
/// A discrete noise schedule k = 0..K−1 given by its β_k, with ᾱ_k = Π_{i≤k} (1 − β_i) and the OU time
/// t_k = −½ ln ᾱ_k (Biroli et al. 2024, arXiv 2402.18491; docs/theory.md §1), so x_k = √ᾱ_k a + √(1−ᾱ_k) ε is
/// the OU marginal x(t_k). Built by <see cref="DdpmLinearSchedule"/> or <see cref="CosineSchedule"/>.
/// Immutable. t_k is strictly increasing in k because every 0 &lt; β_k &lt; 1.
/// <para>Inverse convention: <see cref="FractionalStep"/> interpolates k linearly in t between the table
/// points (equivalently linearly in ln ᾱ), so it is exact at every t_k; <see cref="NearestStep"/> rounds
/// that and clamps to [0, K−1].</para>
/// </summary>
public sealed class DiscreteSchedule
{
    private readonly double[] betas;
    private readonly double[] alphaBars;
    private readonly double[] times;

    /// <summary>Schedule from its β_k. Range: K ≥ 1, every β_k finite in (0, 1).</summary>
    public DiscreteSchedule(IReadOnlyList<double> betas, string name = "discrete")
    {
        ArgumentNullException.ThrowIfNull(betas);
        if (betas.Count < 1) throw new ArgumentException("A schedule needs at least one step (K ≥ 1).", nameof(betas));
        int k = betas.Count;
        this.betas = new double[k];
        alphaBars = new double[k];
        times = new double[k];
        double logAlphaBar = 0;
        for (int i = 0; i < k; i++)
        {
            double b = betas[i];
            if (!(b > 0 && b < 1))
                throw new ArgumentException($"β_{i} = {b} must lie in (0, 1).", nameof(betas));
            this.betas[i] = b;
            // Accumulate ln ᾱ with log1p so that t_k keeps relative accuracy for small β.
            logAlphaBar += OuTime.Log1P(-b);
            alphaBars[i] = Math.Exp(logAlphaBar);
            times[i] = -0.5 * logAlphaBar;
        }
        Name = name;
    }

    /// <summary>Short name for manifests (e.g. "ddpm-linear(K=1000, β 0.0001→0.02)").</summary>
    public string Name { get; }

    /// <summary>Number of steps K.</summary>
    public int Steps => betas.Length;

    /// <summary>β_k. Range: 0 ≤ k &lt; K.</summary>
    public double Beta(int k) => betas[CheckStep(k)];

    /// <summary>ᾱ_k = Π_{i≤k} (1 − β_i). Range: 0 ≤ k &lt; K.</summary>
    public double AlphaBar(int k) => alphaBars[CheckStep(k)];

    /// <summary>t_k = −½ ln ᾱ_k. Range: 0 ≤ k &lt; K.</summary>
    public double Time(int k) => times[CheckStep(k)];

    /// <summary>All t_k, increasing in k (a copy).</summary>
    public double[] Times() => (double[])times.Clone();

    /// <summary>Smallest OU time of the table, t_0 = −½ ln(1 − β_0).</summary>
    public double MinTime => times[0];

    /// <summary>Largest OU time of the table, t_{K−1}.</summary>
    public double MaxTime => times[^1];

    /// <summary>
    /// Fractional step κ(t) with t_⌊κ⌋ ≤ t ≤ t_⌈κ⌉, linear in t between table points; κ(t_k) = k exactly.
    /// Range: t_0 ≤ t ≤ t_{K−1} (throws outside; use <see cref="NearestStep"/> to clamp).
    /// </summary>
    public double FractionalStep(double t)
    {
        if (!(t >= times[0] && t <= times[^1]))
            throw new ArgumentOutOfRangeException(nameof(t), t,
                $"t = {t} lies outside the schedule's range [{times[0]}, {times[^1]}].");
        int hi = Array.BinarySearch(times, t);
        if (hi >= 0) return hi;
        hi = ~hi; // first index with times[hi] > t; 1 ≤ hi ≤ K−1 here
        int lo = hi - 1;
        return lo + (t - times[lo]) / (times[hi] - times[lo]);
    }

    /// <summary>
    /// Inverse of <see cref="FractionalStep"/>: t(κ) linear between t_⌊κ⌋ and t_⌈κ⌉; t(k) = t_k exactly.
    /// Range: 0 ≤ κ ≤ K − 1.
    /// </summary>
    public double TimeAt(double fractionalStep)
    {
        double kappa = fractionalStep;
        if (!(kappa >= 0 && kappa <= times.Length - 1))
            throw new ArgumentOutOfRangeException(nameof(fractionalStep), kappa,
                $"Fractional step must lie in [0, {times.Length - 1}] (got {kappa}).");
        int lo = (int)Math.Floor(kappa);
        if (lo == times.Length - 1) return times[lo];
        double w = kappa - lo;
        return w == 0 ? times[lo] : times[lo] + w * (times[lo + 1] - times[lo]);
    }

    /// <summary>
    /// The step whose t_k is nearest to t (ties to the lower k), clamped to [0, K−1] for t outside the
    /// table. Range: t finite and ≥ 0.
    /// </summary>
    public int NearestStep(double t)
    {
        OuTime.RequireNonNegative(t);
        if (t <= times[0]) return 0;
        if (t >= times[^1]) return times.Length - 1;
        int hi = Array.BinarySearch(times, t);
        if (hi >= 0) return hi;
        hi = ~hi;
        return t - times[hi - 1] <= times[hi] - t ? hi - 1 : hi;
    }

    private int CheckStep(int k)
    {
        if ((uint)k >= (uint)betas.Length)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"Step must lie in [0, {betas.Length - 1}] (got {k}).");
        return k;
    }
}
