using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Relative squared distance between two scores at one time, with its Monte-Carlo standard error.</summary>
/// <param name="T">OU time.</param>
/// <param name="RelativeError">E|s₂ − s₁|² / E|s₁|² over x ~ P_t^e of the training set (1 − explained variance).</param>
/// <param name="StdErr">Delta-method standard error of the ratio.</param>
public sealed record ScoreDistancePoint(double T, double RelativeError, double StdErr);

/// <summary>
/// How far one score is from another, on the noised training distribution: E|s₂ − s₁|²/E|s₁|² with
/// x = a^μ e^{−t} + √Δ_t z, μ uniform (Wang &amp; Vastola, arXiv 2412.09726, use 1 − this as explained variance).
/// </summary>
public static class ScoreComparison
{
    /// <param name="reference">s₁ (e.g. the exact empirical score).</param>
    /// <param name="other">s₂ (e.g. a trained network).</param>
    /// <param name="trainingSet">A: [n, d] whose noised distribution the points are drawn from.</param>
    public static ScoreDistancePoint RelativeError(IDenoiser reference, IDenoiser other, Tensor trainingSet, double t, int samples = 256, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(other);
        OuTime.RequirePositive(t);
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), samples, "Need at least 2 samples.");
        if (reference.Dimension != other.Dimension) throw new ArgumentException($"Dimensions differ: {reference.Dimension} vs {other.Dimension}.");
        using var scope = NewDisposeScope();
        var noise = NoiseSource.ForSamples(seed, 0, samples, reference.Dimension);
        var (x, _) = Start.FromForwardMarginal(trainingSet.to_type(ScalarType.Float32), t, noise);
        var s1 = Score.Evaluate(reference, x, t).to_type(ScalarType.Float64);
        var s2 = Score.Evaluate(other, x, t).to_type(ScalarType.Float64);
        var num = (s2 - s1).square().sum(1);   // per-sample |Δs|²
        var den = s1.square().sum(1);          // per-sample |s₁|²
        var (ratio, se) = RatioOfMeans(num, den);
        return new ScoreDistancePoint(t, ratio, se);
    }

    /// <summary>
    /// r = mean(num)/mean(den) over paired per-sample values ([N] float64, N ≥ 2) and its delta-method standard error
    /// Var(r) ≈ (Var num − 2 r Cov(num, den) + r² Var den) / (N mean(den)²). Shared with <see cref="ExplainedVariance"/>.
    /// </summary>
    internal static (double Ratio, double StdErr) RatioOfMeans(Tensor num, Tensor den)
    {
        using var scope = NewDisposeScope();
        long samples = num.shape[0];
        double mn = num.mean().item<double>(), md = den.mean().item<double>();
        double ratio = mn / md;
        double vn = num.var().item<double>(), vd = den.var().item<double>();
        double cov = ((num - mn) * (den - md)).sum().item<double>() / (samples - 1);
        double se = Math.Sqrt(Math.Max(0, vn - 2 * ratio * cov + ratio * ratio * vd) / samples) / md;
        return (ratio, se);
    }
}
