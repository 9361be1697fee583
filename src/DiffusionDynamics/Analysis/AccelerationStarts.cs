using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// The Gaussian shortcuts of the acceleration sweep (science.md §5), as thin adapters over <see cref="GaussianDenoiser"/>
/// (the fitted N(m, U diag(λ) Uᵀ) of the training data), and the default rule for t_skip.
/// </summary>
public static class AccelerationStarts
{
    /// <summary>
    /// Analytical teleportation (Wang &amp; Vastola, arXiv 2311.10892, 2412.09726): the probability-flow ODE of the Gaussian,
    /// solved in closed form from T to t &lt; T. In the eigenbasis each coordinate of y = x − e^{−T} m is multiplied by
    /// <code>  ψ_k(t) = √((e^{−2t} λ_k + Δ_t) / (e^{−2T} λ_k + Δ_T)),   x(t) = e^{−t} m + U diag(ψ) Uᵀ y + √(Δ_t/Δ_T) (I − UUᵀ) y </code>
    /// (the last term, λ = 0, vanishes for a full-rank basis). x: [B, d] at T; returns [B, d] of x's dtype. Costs no denoiser call.
    /// </summary>
    public static Tensor Teleport(GaussianDenoiser gaussian, Tensor x, double T, double t)
    {
        ArgumentNullException.ThrowIfNull(gaussian);
        DenoiserChecks.RequireBatch(x, gaussian.Dimension);
        OuTime.RequirePositive(T, nameof(T));
        OuTime.RequirePositive(t);
        if (t > T) throw new ArgumentOutOfRangeException(nameof(t), t, $"Teleport runs backward: t must be ≤ T = {T}.");
        using var scope = NewDisposeScope();
        var lambda = torch.tensor(gaussian.Eigenvalues.ToArray(), dtype: ScalarType.Float64);
        double c0 = Math.Sqrt(OuTime.Delta(t) / OuTime.Delta(T));
        var psi = ((lambda * Math.Exp(-2 * t) + OuTime.Delta(t)) / (lambda * Math.Exp(-2 * T) + OuTime.Delta(T))).sqrt_();
        var y = x.to_type(ScalarType.Float64) - gaussian.Mean * OuTime.Decay(T);
        var coords = y.mm(gaussian.Basis);                                   // [B, r]
        var result = y * c0 + (coords * (psi - c0)).mm(gaussian.Basis.t()) + gaussian.Mean * OuTime.Decay(t);
        return result.to_type(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Gaussian late start (Raya &amp; Ambrogioni, arXiv 2305.19693; Wang &amp; Vastola, arXiv 2412.09726): a draw from the Gaussian's
    /// noised marginal N(e^{−t} m, e^{−2t} C + Δ_t I), x = e^{−t} m + √Δ_t z + U((√(e^{−2t}λ + Δ_t) − √Δ_t) ⊙ Uᵀz), z ~ N(0, I) from
    /// each row's stream of <paramref name="noise"/> (so a sample does not depend on its batch). Returns [B, d] float32.
    /// </summary>
    public static Tensor GaussianLateStart(GaussianDenoiser gaussian, double t, NoiseSource noise)
    {
        ArgumentNullException.ThrowIfNull(gaussian);
        ArgumentNullException.ThrowIfNull(noise);
        OuTime.RequirePositive(t);
        if (noise.Dimension != gaussian.Dimension)
            throw new ArgumentException($"Noise is {noise.Dimension}-dimensional, the Gaussian {gaussian.Dimension}-dimensional.", nameof(noise));
        using var scope = NewDisposeScope();
        double decay = OuTime.Decay(t), delta = OuTime.Delta(t);
        var lambda = torch.tensor(gaussian.Eigenvalues.ToArray(), dtype: ScalarType.Float64);
        var z = noise.Next(ScalarType.Float64);
        var extra = (lambda * (decay * decay) + delta).sqrt_().sub_(Math.Sqrt(delta));
        var x = z * Math.Sqrt(delta) + (z.mm(gaussian.Basis) * extra).mm(gaussian.Basis.t()) + gaussian.Mean * decay;
        return x.to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The default t_skip: the smallest t above which EV(t) = 1 − E|s − s_G|²/E|s|² ≥ <paramref name="threshold"/> at every
    /// probed time (s the sampling score, s_G the Gaussian's, x ~ P_t^e of the training set; GSA arXiv 2412.09726). EV is probed
    /// at <paramref name="points"/> log-spaced times on [max(10 t_min, 0.01), T]; the crossing below the lowest time that still
    /// passes is interpolated linearly in (ln t, EV). When EV(T) already fails, t_skip = T (no skip).
    /// </summary>
    /// <param name="trainingSet">A: [n, d].</param>
    public static SkipTime ExplainedVarianceRule(IDenoiser score, GaussianDenoiser gaussian, Tensor trainingSet, double T, double tMin,
        double threshold, int samples = 256, int points = 24, long seed = 0, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(gaussian);
        if (!(threshold > 0 && threshold < 1)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must lie in (0, 1).");
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), points, "points must be ≥ 2.");
        double lo = Math.Max(10 * tMin, 0.01);
        if (!(T > lo)) throw new ArgumentOutOfRangeException(nameof(T), T, $"T must exceed the lowest probed time {lo}.");
        var curve = new List<ExplainedVariancePoint>();
        for (int j = 0; j < points; j++)
        {
            double t = Math.Exp(Math.Log(lo) + (Math.Log(T) - Math.Log(lo)) * j / (points - 1));
            var p = ScoreComparison.RelativeError(score, gaussian, trainingSet, t, samples, seed + j);
            curve.Add(new ExplainedVariancePoint(t, 1 - p.RelativeError, p.StdErr));
            progress?.Report(j + 1);
        }
        double tSkip;
        int last = curve.Count - 1;
        if (curve[last].ExplainedVariance < threshold) tSkip = T;
        else
        {
            int j = last;
            while (j > 0 && curve[j - 1].ExplainedVariance >= threshold) j--;
            if (j == 0) tSkip = curve[0].T;
            else
            {
                var (a, b) = (curve[j - 1], curve[j]);   // a fails, b passes
                double u = (threshold - a.ExplainedVariance) / (b.ExplainedVariance - a.ExplainedVariance);
                tSkip = Math.Exp(Math.Log(a.T) + u * (Math.Log(b.T) - Math.Log(a.T)));
            }
        }
        return new SkipTime(tSkip, $"smallest t above which the Gaussian score explains ≥ {threshold:P1} of the score's variance",
            threshold, LogSnrFraction(tSkip, T, tMin), curve);
    }

    /// <summary>(λ(t) − λ(T))/(λ(t_min) − λ(T)) with λ the log-SNR: the share of a log-SNR grid on [t_min, T] above t.</summary>
    public static double LogSnrFraction(double t, double T, double tMin) =>
        (LogSnr.FromTime(t) - LogSnr.FromTime(T)) / (LogSnr.FromTime(tMin) - LogSnr.FromTime(T));
}
