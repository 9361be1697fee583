using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// The rules for t_skip, where the Gaussian shortcuts of the acceleration sweep (teleport: <see cref="Scores.GaussianDenoiser.Transport"/>;
/// late start: <see cref="Start.GaussianMarginal"/>) hand over to the sampler (docs/theory.md §5).
/// </summary>
public static class AccelerationStarts
{
    /// <summary>
    /// t_skip = ½ ln(1 + λ_max), the emergence time of the top mode of the data covariance (Wang &amp; Vastola, arXiv 2303.02490;
    /// docs/theory.md §5: mode k is decided where e^{−2t}λ_k ≈ Δ_t). Above it no mode has been decided yet and the dynamics is the
    /// Gaussian's to leading order; for the two-cluster model it is ½ ln(1 + σ² + |m|²) ≈ t_S. Clamped to (t_min, T].
    /// </summary>
    public static double EmergenceTime(GaussianDenoiser gaussian, double T, double tMin)
    {
        ArgumentNullException.ThrowIfNull(gaussian);
        double t = 0.5 * Math.Log(1 + gaussian.Eigenvalues[0]);
        return Math.Clamp(t, Math.Min(T, 2 * tMin), T);
    }

    /// <summary>
    /// The explained-variance rule for t_skip: the smallest t above which EV(t) = 1 − E|s − s_G|²/E|s|² ≥ <paramref name="threshold"/> at every
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
            curve.Add(ExplainedVariance.At(score, gaussian, trainingSet, t, new ExplainedVarianceOptions(Samples: samples, Seed: seed + j)));
            progress?.Report(j + 1);
        }
        double tSkip;
        int last = curve.Count - 1;
        if (curve[last].Ev < threshold) tSkip = T;
        else
        {
            int j = last;
            while (j > 0 && curve[j - 1].Ev >= threshold) j--;
            if (j == 0) tSkip = curve[0].T;
            else
            {
                var (a, b) = (curve[j - 1], curve[j]);   // a fails, b passes
                double u = (threshold - a.Ev) / (b.Ev - a.Ev);
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
