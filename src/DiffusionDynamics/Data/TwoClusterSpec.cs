using System.Globalization;
using DiffusionDynamics.Random;

namespace DiffusionDynamics.Data;

/// <summary>
/// The two-cluster Gaussian mixture of [BBDM] (Biroli et al. 2024, arXiv 2402.18491, Sec. 3):
/// P(a) = ½ N(a; +m, σ²I) + ½ N(a; −m, σ²I) in d dimensions with m = μ·(1, …, 1), so |m|² = dμ².
/// Item label 1 for the +m cluster, 0 for −m, each with probability ½.
/// Range: D ≥ 1, N ≥ 1, μ finite, σ ≥ 0.
/// </summary>
/// <param name="D">Dimension d.</param>
/// <param name="N">Number of items n.</param>
/// <param name="Mu">Per-coordinate mean μ (m = μ·1).</param>
/// <param name="Sigma">Within-cluster standard deviation σ.</param>
public sealed record TwoClusterSpec(int D, int N, double Mu = 1, double Sigma = 1) : SyntheticSpec
{
    /// <inheritdoc/>
    public override void Validate()
    {
        if (D < 1) throw new ArgumentException($"d = {D} is out of range (d ≥ 1).", nameof(D));
        if (N < 1) throw new ArgumentException($"n = {N} is out of range (n ≥ 1).", nameof(N));
        CheckSize("two-cluster n·d data values", N, D);
        Check("mu", Mu, double.MinValue);
        Check("sigma", Sigma, 0);
    }

    /// <summary>Draws n items: label s ∈ {0, 1} with probability ½, a = (2s − 1)·m + σ z, z ~ N(0, I).</summary>
    public override TwoClusterData Generate(long seed)
    {
        Validate();
        var m = Enumerable.Repeat(Mu, D).ToArray();
        var values = new float[(long)N * D];
        var labels = new int[N];
        for (int mu = 0; mu < N; mu++)
        {
            var rng = Xoshiro.ForStream(seed, mu);
            labels[mu] = (int)(rng.NextUInt64() >> 63);
            double sign = 2 * labels[mu] - 1;
            for (int k = 0; k < D; k++) values[mu * D + k] = (float)(sign * m[k] + Sigma * rng.NextGaussian());
        }
        return new TwoClusterData(new Dataset(values, N, D, labels, name: Source(seed)), seed, this, m);
    }

    /// <inheritdoc/>
    public override string Source(long seed) => string.Create(CultureInfo.InvariantCulture, $"two-cluster:d={D},n={N},mu={Mu:R},sigma={Sigma:R},seed={seed}");
}

/// <summary>Two-cluster data with its ground truth.</summary>
/// <param name="Data">Items (labels 0 for −m, 1 for +m).</param>
/// <param name="Seed">Seed used.</param>
/// <param name="Spec">Model parameters.</param>
/// <param name="M">The mean vector m = μ·(1, …, 1), length d.</param>
public sealed record TwoClusterData(Dataset Data, long Seed, TwoClusterSpec Spec, double[] M) : SyntheticData(Data, Seed)
{
    /// <summary>|m|² = dμ².</summary>
    public double MeanNormSquared => Spec.D * Spec.Mu * Spec.Mu;

    /// <summary>Largest eigenvalue of the population covariance, Λ = σ² + |m|² (direction m̂); t_S = ½ ln Λ [BBDM].</summary>
    public double Lambda => Spec.Sigma * Spec.Sigma + MeanNormSquared;
}
