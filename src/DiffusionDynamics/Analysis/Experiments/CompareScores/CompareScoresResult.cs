namespace DiffusionDynamics.Analysis;

/// <summary>Explained variance of the reference score by one approximation at one time.</summary>
/// <param name="T">OU time t.</param>
/// <param name="Ev">EV(t) = 1 − E|s₁ − s₂|² / E|s₁|² (1: identical scores; can be negative).</param>
/// <param name="Stderr">Delta-method Monte-Carlo standard error of EV.</param>
/// <param name="ReferenceMeanSquare">E|s₁|², the mean squared norm of the reference score at t.</param>
public sealed record ExplainedVariancePoint(double T, double Ev, double Stderr, double ReferenceMeanSquare);

/// <summary>EV(t) of one approximation over the time grid (ascending t).</summary>
/// <param name="Name">Short name, e.g. <c>gaussian</c> or <c>mixture:50:lowrank:16</c>.</param>
/// <param name="Description">What the approximation is, for reports.</param>
/// <param name="Curve">One point per time, ascending t.</param>
/// <param name="FitSeconds">Time spent building the approximation (0 when not measured).</param>
public sealed record ExplainedVarianceCurve(string Name, string Description, IReadOnlyList<ExplainedVariancePoint> Curve, double FitSeconds = 0)
{
    /// <summary>The first time, coming down from the largest t of the grid, at which EV falls below 0.99 (null: never).</summary>
    public double? TimeBelow99 => FirstBelow(0.99);

    /// <summary>The first time, coming down from the largest t of the grid, at which EV falls below 0.9 (null: never).</summary>
    public double? TimeBelow90 => FirstBelow(0.9);

    /// <summary>
    /// Scanning from the largest t down, the first grid interval [t_i, t_{i+1}] with EV(t_{i+1}) ≥ level &gt; EV(t_i), and
    /// the crossing interpolated linearly in ln t. Null when EV stays ≥ level on the whole grid; the largest grid time when
    /// EV is already below the level there.
    /// </summary>
    public double? FirstBelow(double level)
    {
        var points = Curve.OrderByDescending(p => p.T).ToArray();
        if (points.Length == 0) return null;
        if (points[0].Ev < level) return points[0].T;
        for (int i = 1; i < points.Length; i++)
        {
            if (points[i].Ev >= level) continue;
            var (hi, lo) = (points[i - 1], points[i]);
            double w = (hi.Ev - level) / (hi.Ev - lo.Ev);
            return Math.Exp(Math.Log(hi.T) + w * (Math.Log(lo.T) - Math.Log(hi.T)));
        }
        return null;
    }
}

/// <summary>The data a comparison ran on.</summary>
/// <param name="Name">Dataset name.</param>
/// <param name="N">Training-set size n (of the reference and the fitted approximations).</param>
/// <param name="D">Dimension d.</param>
/// <param name="DrawnFrom">Which point set the draws x = a e^{−t} + √Δ_t z use (training set or a held-out set).</param>
/// <param name="DrawPoints">Size of that point set.</param>
public sealed record ExplainedVarianceData(string Name, int N, int D, string DrawnFrom, int DrawPoints);

/// <summary>
/// The result of <c>diffdyn compare-scores</c>: how much of a reference score each approximation explains over t
/// (Wang &amp; Vastola, arXiv 2412.09726 and 2311.10892). Figures and tables are drawn from this record alone.
/// </summary>
/// <param name="Clock">Always "OU time t".</param>
/// <param name="Data">The data.</param>
/// <param name="Reference">The reference score s₁ (exact empirical score or a trained model).</param>
/// <param name="Samples">Draws per time.</param>
/// <param name="Seed">Seed of the draws.</param>
/// <param name="Approximations">One curve per approximation s₂.</param>
/// <param name="Seconds">Wall time of the comparison (fits excluded).</param>
/// <param name="GaussianAsymptote">
/// When the reference is the exact empirical score and <c>gaussian</c> is among the approximations: the large-t theory 1 − EV ≈ θ⁶|κ₃|²_F/(2Δ_t⁴ E|s₁|²) of its Gaussian
/// approximation (<see cref="ExplainedVariance.GaussianDeficitAsymptote"/>); null otherwise.
/// </param>
public sealed record CompareScoresResult(string Clock, ExplainedVarianceData Data, string Reference, int Samples, long Seed,
    IReadOnlyList<ExplainedVarianceCurve> Approximations, double Seconds, GaussianDeficitTheory? GaussianAsymptote = null);

/// <summary>Large-t theory of the unexplained variance 1 − EV of the empirical score by its Gaussian approximation.</summary>
/// <param name="Kappa3NormSquared">|κ₃|²_F of the training set.</param>
/// <param name="Curve">(t, 1 − EV) on a fine grid.</param>
public sealed record GaussianDeficitTheory(double Kappa3NormSquared, IReadOnlyList<TheoryPoint> Curve);
