using TorchSharp;

namespace DiffusionDynamics.Theory;

/// <summary>
/// Speciation time estimated from data: Λ, t_S = ½ ln Λ and how Λ was obtained.
/// </summary>
/// <param name="LargestEigenvalue">Λ, the largest eigenvalue of the centred covariance (1/n normalization).</param>
/// <param name="Time">t_S = ½ ln Λ (OU clock). Returned even when Λ ≤ 1, where it is ≤ 0.</param>
/// <param name="IsDefined">Λ &gt; 1, i.e. t_S &gt; 0. When false there is no positive time at which the central
/// fixed point of the backward dynamics destabilizes: the data never "speciates" in the OU clock.</param>
/// <param name="Spectrum">The eigenpair computation (method, iterations, residual).</param>
public sealed record SpeciationEstimate(double LargestEigenvalue, double Time, bool IsDefined, CovarianceEigenpairs Spectrum);

/// <summary>
/// Speciation time t_S = ½ ln Λ, Λ the largest eigenvalue of the centred data covariance (Biroli et al. 2024,
/// arXiv 2402.18491, Sec. 3; docs/theory.md §4): below t_S the backward dynamics starts to commit to a class.
/// </summary>
public static class SpeciationTime
{
    /// <summary>t_S = ½ ln Λ. Range: Λ &gt; 0 finite. t_S ≤ 0 when Λ ≤ 1 (speciation not defined).</summary>
    public static double FromLargestEigenvalue(double lambda)
    {
        if (!(lambda > 0) || !double.IsFinite(lambda))
            throw new ArgumentException($"Λ must be finite and > 0 (got {lambda}).", nameof(lambda));
        return 0.5 * Math.Log(lambda);
    }

    /// <summary>
    /// Λ = σ² + |m|² for the two-cluster model ½N(+m, σ²I) + ½N(−m, σ²I) (= σ² + dμ² when every coordinate of m is μ).
    /// Range: |m| ≥ 0, σ ≥ 0.
    /// </summary>
    public static double TwoClusterLargestEigenvalue(double meanNorm, double sigma)
    {
        ExcessEntropy.CheckMeanNorm(meanNorm);
        ExcessEntropy.CheckSigma(sigma);
        return sigma * sigma + meanNorm * meanNorm;
    }

    /// <summary>t_S = ½ ln(σ² + |m|²) for the two-cluster model (≈ ½ ln d for |m|² = d). Range: σ² + |m|² &gt; 0.</summary>
    public static double TwoCluster(double meanNorm, double sigma) =>
        FromLargestEigenvalue(TwoClusterLargestEigenvalue(meanNorm, sigma));

    /// <summary>t_S of the rows of a [n, d] tensor. Range: n ≥ 2.</summary>
    public static SpeciationEstimate Estimate(torch.Tensor data, SpectrumOptions? options = null) =>
        FromSpectrum(CovarianceSpectrum.Top(data, 1, options));

    private static SpeciationEstimate FromSpectrum(CovarianceEigenpairs spectrum)
    {
        double lambda = spectrum.Largest;
        if (!(lambda > 0))
            throw new ArgumentException($"The data covariance has largest eigenvalue {lambda}: all points coincide, t_S = −∞.");
        return new SpeciationEstimate(lambda, FromLargestEigenvalue(lambda), lambda > 1, spectrum);
    }
}
